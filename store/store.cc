#include "store/store.h"

#include "store/migrations.h"

namespace rxdesk {

Result<std::unique_ptr<Connection>> Store::Connect() const {
  if (!options_.postgres_conninfo.empty()) return OpenPostgres({.conninfo = options_.postgres_conninfo});
  return OpenSqlite({.path = options_.sqlite_path,
                     .read_only = false,
                     .busy_timeout_ms = options_.busy_timeout_ms,
                     .synchronous = options_.sqlite_synchronous});
}

Store::Store(StoreOptions options, Dialect dialect)
    : options_(std::move(options)),
      dialect_(dialect),
      max_read_connections_(dialect == Dialect::kPostgres && options_.postgres_read_connections > 0
                                ? static_cast<std::size_t>(options_.postgres_read_connections)
                                : 0) {}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const Dialect dialect = options.postgres_conninfo.empty() ? Dialect::kSqlite : Dialect::kPostgres;
  std::unique_ptr<Store> store(new Store(options, dialect));
  RXD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, store->Connect());
  if (options.migrate) {
    auto migrated = Migrate(*conn);
    if (!migrated.ok()) return std::move(migrated).error();
  } else {
    RXD_ASSIGN_OR_RETURN(int version, CurrentSchemaVersion(*conn));
    if (version > LatestSchemaVersion()) {
      return MakeError("schema_too_new", "the database has schema version " + std::to_string(version) +
                                             " but this rxdesk supports up to " +
                                             std::to_string(LatestSchemaVersion()) + "; run a newer rxdesk");
    }
  }
  store->writer_ = std::make_unique<Writer>(std::move(conn));
  return store;
}

Store::Lease::Lease(Store& s) : store(s) {
  std::unique_lock lock(s.pool_mu_);
  if (s.max_read_connections_ > 0) {
    s.pool_returned_.wait(lock, [&] { return !s.pool_.empty() || s.read_connections_ < s.max_read_connections_; });
  }
  if (!s.pool_.empty()) {
    conn = std::move(s.pool_.back());
    s.pool_.pop_back();
    return;
  }
  ++s.read_connections_;  // this one's slot, held while connecting outside the lock
  lock.unlock();
  auto opened = s.Connect();
  if (opened.ok()) {
    conn = std::move(*opened);
    return;
  }
  lock.lock();
  --s.read_connections_;
  s.pool_returned_.notify_one();
}

Store::Lease::~Lease() {
  if (!conn) return;
  {
    std::lock_guard lock(store.pool_mu_);
    store.pool_.push_back(std::move(conn));
  }
  store.pool_returned_.notify_one();
}

}  // namespace rxdesk
