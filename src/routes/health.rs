use actix_web::{HttpResponse, web};
use serde_json::json;
use sqlx::SqlitePool;

use crate::db;

/// 200 when the database answers, 503 otherwise: for load balancers and uptime checks.
pub async fn healthz(pool: web::Data<SqlitePool>) -> HttpResponse {
    match db::ping(&pool).await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "database": "unavailable"}))
        }
    }
}
