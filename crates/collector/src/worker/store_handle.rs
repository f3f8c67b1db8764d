//! [`StoreHandle`]: one store connection shared by a process's job runs.
//!
//! The store is synchronous (rusqlite, the blocking postgres client, which must not run on an
//! async worker thread), so every call hops to Tokio's blocking pool and takes a mutex: runs in
//! one process write one after another, each write one transaction. For the same reason the
//! connection is closed on a thread of its own when the last handle goes.

use std::sync::{Arc, Mutex};

use store::{Store, StoreError};

#[derive(Clone)]
pub struct StoreHandle(Arc<Mutex<Owned>>);

/// The store, closed off the async threads: the blocking postgres client's `Drop` runs its own
/// runtime, which panics on a thread that is driving one.
struct Owned(Option<Box<dyn Store>>);

impl Drop for Owned {
    fn drop(&mut self) {
        let Some(store) = self.0.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::spawn(move || drop(store)).join();
        }
    }
}

impl std::ops::Deref for Owned {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        self.0.as_deref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for Owned {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_deref_mut().expect("present until dropped")
    }
}

impl StoreHandle {
    pub fn new(store: Box<dyn Store>) -> Self {
        Self(Arc::new(Mutex::new(Owned(Some(store)))))
    }

    /// Opens `url` (migrating a fresh or older schema) on the blocking pool.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let url = url.to_string();
        let store = tokio::task::spawn_blocking(move || store::open_migrated(&url))
            .await
            .map_err(|e| StoreError::Invalid(format!("store open task failed: {e}")))??;
        Ok(Self::new(store))
    }

    /// Runs `f` with the store on the blocking pool.
    pub async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut dyn Store) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in another call poisons the mutex; the connection itself is still usable
            // because every write is its own transaction.
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut **guard)
        })
        .await
        .map_err(|e| StoreError::Invalid(format!("store task failed: {e}")))?
    }

    /// The store's URL with the password redacted.
    pub fn location(&self) -> String {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).location()
    }
}
