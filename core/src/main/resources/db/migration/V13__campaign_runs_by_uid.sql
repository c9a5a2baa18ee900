-- A Campaign deleted and created again under the same name is a new campaign: its runs are its
-- own, keyed by the object's uid, so a one-shot startAt that the old object ran (or that its
-- deletion cancelled) runs again for the new one.
alter table campaign_runs add column campaign_uid text not null default '';
alter table campaign_runs alter column campaign_uid drop default;
alter table campaign_runs drop constraint campaign_runs_tenant_campaign_scheduled_for_key;
alter table campaign_runs add constraint campaign_runs_once unique (tenant, campaign_uid, scheduled_for);
create index campaign_runs_by_campaign on campaign_runs (tenant, campaign_uid, scheduled_for desc);
