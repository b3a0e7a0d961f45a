# One multi-region Spanner instance holds one database per service.
#
# Leader placement: asia1 keeps its read-write replicas in Tokyo
# (asia-northeast1, default leader) and Osaka and its witness in Seoul, so
# commits reach quorum inside Japan. 90% of users are in Asia (ID, JP, PH);
# no Google-managed multi-region config has read-write replicas in Jakarta or
# Singapore, and custom configs may only add read-only replicas. Read-only
# replicas near Jakarta, Manila (Singapore) and Mexico serve bounded-staleness
# reads locally; only writes and strong reads travel to Tokyo. See README.md.

resource "google_spanner_instance_config" "kw" {
  count        = length(var.spanner.read_replicas) > 0 ? 1 : 0
  project      = var.project
  name         = "custom-kw-${var.spanner.base_config}"
  display_name = "Kwipper ${var.spanner.base_config} + read replicas"
  base_config  = var.spanner.base_config

  dynamic "replicas" {
    for_each = var.spanner.read_replicas
    content {
      location                = replicas.value
      type                    = "READ_ONLY"
      default_leader_location = false
    }
  }
}

resource "google_spanner_instance" "kw" {
  project                      = var.project
  name                         = var.spanner.instance
  display_name                 = "Kwipper"
  config                       = length(var.spanner.read_replicas) > 0 ? google_spanner_instance_config.kw[0].name : var.spanner.base_config
  edition                      = "ENTERPRISE_PLUS"
  default_backup_schedule_type = "NONE"
  force_destroy                = false

  autoscaling_config {
    autoscaling_limits {
      min_processing_units = var.spanner.processing_units.min
      max_processing_units = var.spanner.processing_units.max
    }
    autoscaling_targets {
      high_priority_cpu_utilization_percent = 45
      storage_utilization_percent           = 80
    }
  }
}

resource "google_spanner_database" "db" {
  for_each                 = toset(var.catalog.databases)
  project                  = var.project
  instance                 = google_spanner_instance.kw.name
  name                     = each.key
  database_dialect         = "GOOGLE_STANDARD_SQL"
  version_retention_period = var.spanner.pitr_window
  deletion_protection      = true
}

resource "google_spanner_backup_schedule" "db" {
  for_each           = { for p in setproduct(var.catalog.databases, keys(var.spanner.backup_schedules)) : "${p[0]}-${p[1]}" => { db = p[0], schedule = var.spanner.backup_schedules[p[1]] } }
  project            = var.project
  instance           = google_spanner_instance.kw.name
  database           = google_spanner_database.db[each.value.db].name
  name               = replace(each.key, "_", "-")
  retention_duration = "${each.value.schedule.retention_sec}s"

  spec {
    cron_spec {
      text = each.value.schedule.cron
    }
  }
  full_backup_spec {}

  encryption_config {
    encryption_type = "USE_DATABASE_ENCRYPTION"
  }
}

# Each service's runtime account uses its own database only (the catalog's
# service -> database); "service/database" keys as before.
resource "google_spanner_database_iam_member" "runtime" {
  for_each = { for s in var.catalog.services : "${s.name}/${s.database}" => { service = s.name, db = s.database } if s.database != null }
  project  = var.project
  instance = google_spanner_instance.kw.name
  database = google_spanner_database.db[each.value.db].name
  role     = "roles/spanner.databaseUser"
  member   = local.runtime_sas[each.value.service]
}
