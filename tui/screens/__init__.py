"""The app's screens: main, source view, help, error."""
