-- The trace of the request that carried each delivery's event, so every attempt joins it.
ALTER TABLE dispatcher.deliveries ADD COLUMN traceparent text NOT NULL DEFAULT '';
