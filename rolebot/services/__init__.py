"""Service clients (Slack, Google Calendar, Geekbot) and the embedded local backend."""
