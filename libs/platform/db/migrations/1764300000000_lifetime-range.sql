-- Up Migration
--
-- Registration lifetimes as devices send them (issue 16, finding 5). LwM2M `lt` (Core 1.1.1 §6.2.1, the Lifetime
-- resource 1/x/1) is an unsigned 32-bit count of seconds in practice: `lt=4294967295` is what a device means by
-- "never expire", and it did not fit `integer`, so the decoder's whole batch was rejected
-- ("value "4294967295" is out of range for type integer"). The history keeps the exact value (bigint, bounded by
-- the uplink contract to 1..2^32-1). devices.lifetime stays `integer`: it is the summary the gateway serves as a
-- GraphQL Int (32-bit signed), so the decoder stores it capped to 2^31-1 s (68 years, "never" for any purpose).
ALTER TABLE registrations ALTER COLUMN lifetime TYPE bigint;
ALTER TABLE registrations ADD CONSTRAINT registrations_lifetime_range
  CHECK (lifetime IS NULL OR lifetime BETWEEN 1 AND 4294967295);

-- Down Migration
ALTER TABLE registrations DROP CONSTRAINT IF EXISTS registrations_lifetime_range;
UPDATE registrations SET lifetime = 2147483647 WHERE lifetime > 2147483647;
ALTER TABLE registrations ALTER COLUMN lifetime TYPE integer;
