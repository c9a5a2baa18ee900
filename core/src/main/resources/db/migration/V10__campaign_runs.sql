-- Campaign runs, and delivery counts that cost the same for a run of a million as for one.

-- One row per run of a Campaign: the run is one notification row (source 'campaign', source_ref
-- '<campaign>@<scheduled time>', so a run is created once) whose deliveries are written a page of
-- the audience at a time. Each page's deliveries and the checkpoint after it commit in one
-- transaction: a fan-out stopped anywhere resumes after the last page committed.
create table campaign_runs (
  id              uuid        primary key,  -- the id of its notification row too
  tenant          text        not null,
  campaign        text        not null,     -- the Campaign's name
  scheduled_for   timestamptz not null,
  started_at      timestamptz not null,     -- deliverAt and quiet hours are computed from it
  fanned_out_at   timestamptz,              -- the last page was written
  finished_at     timestamptz,              -- every delivery finished (set by the reconciler)
  state           text        not null check (state in ('fanning_out', 'sending', 'finished', 'cancelled')),
  spec            jsonb       not null,     -- the CampaignSpec the run started with
  notification_id uuid        not null references notifications (id) on delete cascade,
  checkpoint      text,                     -- the last user id whose deliveries are written
  users_written   bigint      not null default 0,
  written         bigint      not null default 0,  -- deliveries written so far
  total           bigint,                   -- deliveries of the run, once fanned out
  unique (tenant, campaign, scheduled_for),
  unique (notification_id)
);
create index campaign_runs_fanning_out on campaign_runs (started_at) where state = 'fanning_out';

-- Audience selectors over attributes (matchLabels and In as containment).
create index users_attributes on users using gin (attributes jsonb_path_ops);

-- Deliveries per notification × channel × state. Every statement that inserts or updates
-- deliveries appends what it changed, summed per notification, channel and state, to
-- delivery_count_deltas (a statement-level trigger over the rows the statement actually changed:
-- a conditional UPDATE that matched nothing adds nothing, and a rolled-back one is rolled back
-- with its deltas). Appending takes no lock a concurrent writer waits for. Reading a
-- notification's counts folds its deltas into delivery_counts and sums the two: the cost is the
-- number of statements since the last read, not the number of deliveries.
create table delivery_counts (
  notification_id uuid   not null,
  channel         text   not null,
  state           text   not null,
  n               bigint not null,
  primary key (notification_id, channel, state)
);

create table delivery_count_deltas (
  notification_id uuid   not null,
  channel         text   not null,
  state           text   not null,
  n               bigint not null
);
create index delivery_count_deltas_by_notification on delivery_count_deltas (notification_id);

create function herald_count_deliveries() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into delivery_count_deltas (notification_id, channel, state, n)
    select notification_id, channel, state, count(*) from new_rows group by 1, 2, 3;
  else
    insert into delivery_count_deltas (notification_id, channel, state, n)
    select notification_id, channel, state, sum(n) from (
      select notification_id, channel, state, 1 as n from new_rows
      union all
      select notification_id, channel, state, -1 as n from old_rows) c
    group by 1, 2, 3 having sum(n) <> 0;
  end if;
  return null;
end $$;

create trigger deliveries_counted_insert after insert on deliveries
  referencing new table as new_rows
  for each statement execute function herald_count_deliveries();
create trigger deliveries_counted_update after update on deliveries
  referencing old table as old_rows new table as new_rows
  for each statement execute function herald_count_deliveries();

-- A notification removed (retention) takes its counts with it. No foreign key: a delivery written
-- by hand for a notification that does not exist must still be writable, and counted.
create function herald_forget_delivery_counts() returns trigger
language plpgsql as $$
begin
  delete from delivery_counts c using old_rows o where c.notification_id = o.id;
  delete from delivery_count_deltas c using old_rows o where c.notification_id = o.id;
  return null;
end $$;

create trigger notifications_forget_counts after delete on notifications
  referencing old table as old_rows
  for each statement execute function herald_forget_delivery_counts();

-- Deliveries written before this migration: counted once here (the triggers above hold writers
-- back until it commits, so none is missed or counted twice).
insert into delivery_counts (notification_id, channel, state, n)
select notification_id, channel, state, count(*) from deliveries group by 1, 2, 3;
