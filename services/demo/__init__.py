"""The demo: a local stand-in for ad platforms and a scripted tour of Switchyard."""
