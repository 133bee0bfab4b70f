// `rxdesk keys rotate`: a new current data key, then every sealed value
// re-encrypted under it, while servers keep running (docs/keys.md).
//
//   rxdesk keys rotate --data-dir /var/lib/rxdesk            # add key N+1, re-encrypt, report
//   rxdesk keys rotate --data-dir /var/lib/rxdesk --resume   # only finish an unfinished rotation
//
// Detection rule: when any sealed value is still under a key other than the
// current one (an earlier rotation was interrupted, or a server sealed a value
// before it saw the new key), `rotate` adds no key and finishes that rotation
// instead; only a database entirely under the current key gets a new one. So
// running the same command again after a crash or kill -9 finishes the job.
// `--resume` never adds a key: with nothing left it reports so and exits 0.
// Exit codes: 0 every value is under the current key; 1 failure, another
// rotation running, or rows left (unreadable ones, or new ones under an old key:
// run it again); 2 usage or config error.
#pragma once

#include "app/commands.h"

namespace rxdesk {

struct KeysRotateFlags {
  int batch = 500;      // rows per write transaction (KeyRotationParams::batch_rows)
  bool resume = false;  // finish an unfinished rotation; never add a key
};

int RunKeysRotate(const CommonFlags& common, const KeysRotateFlags& flags, char** environ);

}  // namespace rxdesk
