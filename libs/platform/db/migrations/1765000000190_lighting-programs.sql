-- Up Migration
--
-- Lighting programs (issue 19, uCIFI 3452-3458): a city's programs (the JSON definition validated by
-- libs/ucifi/lighting), the lamp controllers each one is assigned to, and per lamp what was last applied (the
-- commands sent through the device command service) and last verified (a read of the controller's objects).
-- The city's coordinates and time zone for sun events: tenants.settings -> 'location'
-- ({"latitude": .., "longitude": .., "timeZone": ".."}).

CREATE TABLE lighting_programs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR length(description) <= 2000),
  definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
  -- Incremented by every change of the definition: a lamp applied with an older version has drifted.
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);

-- One program per lamp controller.
CREATE TABLE lighting_assignments (
  tenant_id text NOT NULL,
  device_id uuid NOT NULL PRIMARY KEY,
  program_id uuid NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  -- The last apply: the program version, the commands (in order), or why nothing was sent.
  applied_version integer,
  apply_command_ids uuid[] NOT NULL DEFAULT '{}',
  apply_error text,
  applied_at timestamptz,
  -- The read of /3457/0 whose values the last compilation used, or that is awaited.
  capabilities_command_id uuid,
  -- The last verification: reads of the program objects and of 3458 (command ids, in order).
  verify_command_ids uuid[] NOT NULL DEFAULT '{}',
  verified_at timestamptz,
  FOREIGN KEY (tenant_id, program_id) REFERENCES lighting_programs (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX lighting_assignments_program ON lighting_assignments (tenant_id, program_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['lighting_programs', 'lighting_assignments'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO smartcity_app USING (tenant_id = current_setting(''app.tenant_id'', true)) '
      'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    EXECUTE format('CREATE POLICY platform_admin ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON lighting_programs, lighting_assignments TO smartcity_app;

-- The demo cities' coordinates (city centres) and zones, where the city exists and has no location yet.
UPDATE tenants SET settings = settings || '{"location": {"latitude": 45.76, "longitude": 4.84, "timeZone": "Europe/Paris"}}'
WHERE id = 'lyon' AND NOT settings ? 'location';
UPDATE tenants SET settings = settings || '{"location": {"latitude": 41.15, "longitude": -8.61, "timeZone": "Europe/Lisbon"}}'
WHERE id = 'porto' AND NOT settings ? 'location';

-- Down Migration
DROP TABLE IF EXISTS lighting_assignments, lighting_programs;
UPDATE tenants SET settings = settings - 'location' WHERE id IN ('lyon', 'porto');
