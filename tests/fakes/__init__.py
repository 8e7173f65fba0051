"""Fakes of the services that speak their real wire protocols (see ../shared/api/)."""
