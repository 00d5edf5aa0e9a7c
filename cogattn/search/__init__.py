"""Visual search: stimuli, search models, and reaction-time and asymmetry analysis."""
