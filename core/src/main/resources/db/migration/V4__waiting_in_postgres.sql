-- Work that waits (throttled, backing off after a provider error, no Ready provider, an open
-- circuit) waits here, as a 'pending' row with next_attempt_at, and the relay publishes it again
-- when due. Each publication needs a message id of its own: the stream's de-duplication window
-- would drop a second message under the first one's id.
alter table deliveries add column publications integer not null default 0;

-- Waiting deliveries of a tenant and channel by why they wait, so a provider that becomes Ready
-- or a circuit that closes wakes exactly those.
create index deliveries_waiting on deliveries (tenant, channel, last_error_code) where state = 'pending';

-- Where each dispatcher's circuit breaker for a provider stands; the operator shows it on the
-- DeliveryProvider. A dispatcher writes a row on every transition.
create table provider_circuits (
  tenant      text        not null,
  provider    text        not null,
  dispatcher  text        not null,
  state       text        not null check (state in ('closed', 'open', 'half_open')),
  reason      text,
  changed_at  timestamptz not null default now(),
  primary key (tenant, provider, dispatcher)
);
