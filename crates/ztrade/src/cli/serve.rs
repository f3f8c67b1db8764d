//! `ztrade serve`: the dashboard (`web`) over the store at `db`, read-only.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; any but loopback (127.0.0.1, ::1) needs a token.
    #[arg(long, default_value = web::config::DEFAULT_BIND, value_name = "ADDR")]
    bind: std::net::SocketAddr,
    /// Every request must carry it: `Authorization: Bearer TOKEN`, or `?token=TOKEN` once.
    #[arg(long, env = "ZTRADE_DASHBOARD_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The collector's scale-out Redis: the collection page also shows its queue and workers.
    #[arg(long, env = "ZTRADE_REDIS_URL", hide_env_values = true)]
    redis: Option<String>,
    /// The collection config: the collection page adds jobs that never ran and how far behind.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
}
pub fn run(a: ServeArgs, db: String) -> anyhow::Result<()> {
    let config = web::Config::new(db, a.bind, a.token, a.redis)?.with_plan(a.config.as_deref())?;
    Ok(web::serve(config)?)
}
