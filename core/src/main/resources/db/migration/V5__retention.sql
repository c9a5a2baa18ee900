-- Retention that keeps its promises: it never removes unfinished work, never blocks the writers
-- of deliveries, and remembers which Notification CRs it pruned so they are not accepted again.

-- Notification CRs whose rows retention removed, by source, so that a CR still in the cluster (or
-- in Git) is never accepted a second time, even when its status was lost. Written by the retention
-- job before it removes a day; not itself subject to retention (a row goes when its CR is deleted).
create table pruned_notifications (
  tenant          text        not null,
  source          text        not null,
  source_ref      text        not null,
  notification_id uuid        not null,
  created_at      timestamptz not null,   -- the notification's
  pruned_at       timestamptz not null default now(),
  primary key (tenant, source, source_ref)
);

-- One day's partition. Created as a table of its own, then attached: ATTACH takes only a SHARE
-- UPDATE EXCLUSIVE lock on deliveries, where CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE
-- and would queue every writer behind any open transaction. Replicas and on-demand callers are
-- serialised by a transaction-level advisory lock. Returns whether it created the partition.
create function herald_ensure_delivery_partition(d date) returns boolean
language plpgsql as $$
declare
  part text := 'deliveries_p' || to_char(d, 'YYYYMMDD');
begin
  perform pg_advisory_xact_lock(7236964214190243841);  -- 'herald' partitions
  if to_regclass(part) is not null then
    return false;
  end if;
  execute format('create table %I (like deliveries including defaults including constraints)', part);
  execute format('alter table deliveries attach partition %I for values from (%L) to (%L)',
                 part, (d::timestamp at time zone 'UTC'), ((d + 1)::timestamp at time zone 'UTC'));
  return true;
end $$;

-- Creates the daily partitions from today to days_ahead days from now.
create or replace function herald_ensure_delivery_partitions(days_ahead integer) returns integer
language plpgsql as $$
declare
  created integer := 0;
begin
  for i in 0..days_ahead loop
    if herald_ensure_delivery_partition((now() at time zone 'UTC')::date + i) then
      created := created + 1;
    end if;
  end loop;
  return created;
end $$;

-- Retention is done by the operator (PartitionMaintenance): DETACH ... CONCURRENTLY cannot run in
-- a function, and a day with unfinished deliveries must be kept.
drop function herald_drop_expired_partitions(integer);

-- No default partition: DETACH ... CONCURRENTLY is refused while one exists, and every partition
-- created would scan it (and fail once it held a row of that day). Rows it holds move into their
-- daily partitions. Detaching it locks deliveries for the duration of this migration; the default
-- partition is empty unless maintenance had stopped for a week.
do $$
declare
  d date;
begin
  if to_regclass('deliveries_default') is null then
    return;
  end if;
  alter table deliveries detach partition deliveries_default;
  for d in select distinct (created_at at time zone 'UTC')::date from deliveries_default loop
    perform herald_ensure_delivery_partition(d);
  end loop;
  insert into deliveries select * from deliveries_default;
  drop table deliveries_default;
end $$;

select herald_ensure_delivery_partitions(7);
