-- Web Push subscriptions (RFC 8030/8291): a web device is either an FCM registration token or a
-- subscription, stored under its endpoint (the token column, always an https URL) with the
-- browser's keys. p256dh is the browser's P-256 public key, auth the 16-byte secret it shares
-- with Herald (both URL-safe base64, unpadded).
alter table devices add column p256dh text, add column auth text;
alter table devices add constraint devices_web_push_keys check (
  (p256dh is null) = (auth is null)
  and (p256dh is null or (platform = 'web' and token like 'https://%')));

-- Endpoints registered before subscriptions had keys were sent to FCM as if they were tokens;
-- without keys nothing can be encrypted to them. The browser registers them again with keys.
update devices set active = false, invalidated_reason = 'web_push_keys_missing', invalidated_at = now(),
  updated_at = now()
where platform = 'web' and token like 'https://%' and p256dh is null and active;
