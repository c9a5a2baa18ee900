-- A Campaign run's throttle and frequency cap, kept beside its notification row.
--
-- Throttle: the relay books each delivery of a throttled notification a slot 1/per_second apart
-- (next_slot is the first free one) under this row's lock, so every relay replica shares one pace.
-- A delivery whose slot lies ahead goes back to pending, due at its slot, marked
-- 'campaign_throttle': when it comes due it is published without booking again.
--
-- Frequency cap: a dispatcher about to send a capped delivery counts the user's sends in the
-- notification's category within the window — every source's, transactional ones included — from
-- the deliveries themselves (deliveries_by_user), under an advisory lock on (tenant, user,
-- category), and suppresses it ('frequency_cap') in the same transaction when the cap is reached.
create table notification_pacing (
  notification_id  uuid        primary key references notifications (id) on delete cascade,
  per_second       integer     check (per_second > 0),
  next_slot        timestamptz not null default now(),
  cap_count        integer     check (cap_count > 0),
  cap_window       interval,
  check ((cap_count is null) = (cap_window is null))
);
