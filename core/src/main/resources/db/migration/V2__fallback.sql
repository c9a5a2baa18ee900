-- Channels to fall back on, in order, when a user has no address on a channel or a delivery
-- there fails permanently.
alter table notifications add column fallback text[] not null default '{}';
