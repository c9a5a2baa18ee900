-- Herald's store. Postgres is the source of truth for every notification and delivery;
-- anything in JetStream can be rebuilt from here.

create table users (
  tenant      text        not null,
  user_id     text        not null,
  email       text,
  phone       text,                       -- E.164
  locale      text,
  time_zone   text,                       -- IANA
  attributes  jsonb       not null default '{}',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant, user_id)
);

create table devices (
  tenant             text        not null,
  platform           text        not null check (platform in ('ios', 'android', 'web')),
  token              text        not null,
  user_id            text        not null,
  active             boolean     not null default true,
  invalidated_reason text,
  invalidated_at     timestamptz,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  primary key (tenant, platform, token),
  foreign key (tenant, user_id) references users (tenant, user_id) on delete cascade
);
create index devices_by_user on devices (tenant, user_id) where active;

-- Opt-in/out per user × channel × category; category '*' is the user's global choice.
create table preferences (
  tenant     text        not null,
  user_id    text        not null,
  channel    text        not null check (channel in ('email', 'sms', 'push', '*')),
  category   text        not null,
  opted_in   boolean     not null,
  updated_at timestamptz not null default now(),
  primary key (tenant, user_id, channel, category),
  foreign key (tenant, user_id) references users (tenant, user_id) on delete cascade
);

-- Address-level blocks: hard bounce, spam report, SMS STOP, invalid token.
create table suppressions (
  tenant     text        not null,
  channel    text        not null check (channel in ('email', 'sms', 'push')),
  address    text        not null,
  reason     text        not null,
  created_at timestamptz not null default now(),
  primary key (tenant, channel, address)
);

create table api_keys (
  tenant      text        not null,
  key_id      text        not null,
  key_hash    bytea       not null,
  scopes      text[]      not null,
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz,
  primary key (key_id)
);
create index api_keys_by_tenant on api_keys (tenant);

create table notifications (
  id              uuid        primary key,
  tenant          text        not null,
  source          text        not null check (source in ('cr', 'api', 'campaign')),
  source_ref      text        not null,   -- the CR's uid, the API request id, the campaign run
  resource_name   text,                   -- the CR's name, for status and events
  template        text        not null,
  category        text        not null,
  priority        text        not null check (priority in ('high', 'normal', 'bulk')),
  channels        text[]      not null,
  content         jsonb       not null,   -- the template as it was when the notification was accepted
  data            jsonb       not null default '{}',
  send_at         timestamptz,
  expires_at      timestamptz,
  idempotency_key text,
  request_hash    text,
  created_at      timestamptz not null,
  cancelled_at    timestamptz,
  unique (tenant, source, source_ref),
  unique (tenant, idempotency_key)
);
create index notifications_by_age on notifications (created_at);

-- One row per recipient × channel × address. Partitioned by the notification's creation time
-- (every delivery of a notification shares it), so old days are dropped whole by the retention
-- job, and every update names its partition.
create table deliveries (
  id                  uuid        not null,
  created_at          timestamptz not null,
  notification_id     uuid        not null,
  tenant              text        not null,
  user_id             text,
  channel             text        not null check (channel in ('email', 'sms', 'push')),
  platform            text,
  address             text        not null,
  locale              text,
  priority            smallint    not null,  -- 0 high, 1 normal, 2 bulk: the relay publishes in this order
  state               text        not null check (state in ('pending', 'queued', 'sending', 'sent',
                        'delivered', 'opened', 'clicked', 'failed', 'suppressed', 'cancelled')),
  attempts            integer     not null default 0,
  next_attempt_at     timestamptz not null,
  expires_at          timestamptz,
  last_error_code     text,
  last_error          text,
  failure_reason      text,       -- permanent, exhausted, expired, ...
  provider            text,
  provider_message_id text,
  stream_seq          bigint,
  sent_at             timestamptz,
  updated_at          timestamptz not null default now(),
  primary key (id, created_at),
  unique nulls not distinct (notification_id, user_id, channel, address, created_at)
) partition by range (created_at);

create index deliveries_pending on deliveries (priority, next_attempt_at) where state = 'pending';
create index deliveries_by_notification on deliveries (notification_id, channel, state);
create index deliveries_queued on deliveries (updated_at) where state in ('queued', 'sending');

-- Catches rows whose day has no partition yet; the maintenance job keeps days ahead created.
create table deliveries_default partition of deliveries default;

-- Creates the daily partitions from today to days_ahead days from now.
create function herald_ensure_delivery_partitions(days_ahead integer) returns integer
language plpgsql as $$
declare
  d date;
  created integer := 0;
  part text;
begin
  for i in 0..days_ahead loop
    d := (now() at time zone 'UTC')::date + i;
    part := 'deliveries_p' || to_char(d, 'YYYYMMDD');
    if to_regclass(part) is null then
      begin
        execute format('create table %I partition of deliveries for values from (%L) to (%L)',
                       part, (d::timestamp at time zone 'UTC'), ((d + 1)::timestamp at time zone 'UTC'));
        created := created + 1;
      exception when duplicate_table then
        null;  -- another replica created it first
      end;
    end if;
  end loop;
  return created;
end $$;

-- Drops the daily partitions entirely older than keep_days, and their notifications.
create function herald_drop_expired_partitions(keep_days integer) returns integer
language plpgsql as $$
declare
  r record;
  cutoff date := (now() at time zone 'UTC')::date - keep_days;
  dropped integer := 0;
begin
  for r in select c.relname from pg_inherits i
             join pg_class c on c.oid = i.inhrelid
             join pg_class p on p.oid = i.inhparent
           where p.relname = 'deliveries' and c.relname ~ '^deliveries_p[0-9]{8}$'
             and to_date(substr(c.relname, 13), 'YYYYMMDD') < cutoff loop
    execute format('drop table %I', r.relname);
    dropped := dropped + 1;
  end loop;
  delete from notifications where created_at < (cutoff::timestamp at time zone 'UTC');
  return dropped;
end $$;

select herald_ensure_delivery_partitions(7);
