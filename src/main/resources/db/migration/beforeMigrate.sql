-- Flyway callback, run before every migration (at start-up, by `hsip db migrate` and by the tests): the
-- migrations create objects that the runtime role must not own, so they never run as that role. Quarkus
-- falls back to the gateway's own datasource when HSIP_DB_OWNER_PASSWORD is missing; this says so plainly
-- instead of failing later on a permission error (docs/operations.md, "Database roles").
DO $$
BEGIN
    IF current_user = '${runtime_role}' THEN
        RAISE EXCEPTION 'migrations must run as the owner role (HSIP_DB_OWNER), not as the runtime role "%"',
            current_user
            USING HINT = 'set HSIP_DB_OWNER and HSIP_DB_OWNER_PASSWORD, or run `hsip db migrate`';
    END IF;
END
$$;
