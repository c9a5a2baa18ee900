-- API keys are looked up by the hash of the presented bearer value; key_id is
-- "<namespace>/<secret name>", the Secret that provisions the key.
create index api_keys_by_hash on api_keys (key_hash) where revoked_at is null;

-- Preferences are read per user at fan-out.
create index preferences_by_user on preferences (tenant, user_id);

-- Deliveries of a user, to erase their addresses when the user is deleted.
create index deliveries_by_user on deliveries (tenant, user_id) where user_id is not null;
