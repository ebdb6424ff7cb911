"""Framework integrations: ``contrib.flask`` (an extension) and ``contrib.django`` (an app)."""
