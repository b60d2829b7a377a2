"""The app's shared Streamlit code: cached engine and loaders, small components."""
