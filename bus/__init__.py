"""The published contract of Rapid Response: record types, the topic catalog, the faust app factory, publishing,
the embedded broker, the outbox and the `rejected` topic. `bus/` imports no stage."""
