// Answers that wait for their writes without holding a thread. A request's
// handler may queue a write (the audit entry of a read) instead of waiting for
// its group commit; the request's answer leaves only once every queued write
// committed, and becomes an error if one of them failed.
//
//   auto gate = AckGate::Make();                 // the server, per request
//   HttpResponse response;
//   {
//     AckGate::Scope scope(*gate);               // AckGate::Current() == gate.get() on this thread
//     response = handler(request);               // e.g. store.WriteAsync(job, gate->Hold())
//   }
//   gate->Finally([response](Status all) { ... send response, or an error if !all.ok() ... });
//
// Thread-safe. Hold() may be called any number of times before Finally(); each
// returned callback must be called exactly once, from any thread. Finally's
// callback runs exactly once: at once (on the calling thread) when nothing is
// held, otherwise on the thread that reports the last held write. It gets OK
// or the first failure reported.
#pragma once

#include <any>
#include <functional>
#include <memory>
#include <mutex>

#include "domain/result.h"

namespace rxdesk {

class AckGate : public std::enable_shared_from_this<AckGate> {
 public:
  using Done = std::function<void(Status)>;

  static std::shared_ptr<AckGate> Make();

  // The gate of the request this thread is handling, or nullptr outside a Scope
  // (background jobs, command-line tools, WebSocket messages): then writers wait.
  static AckGate* Current();

  class Scope {
   public:
    explicit Scope(AckGate& gate);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    AckGate* previous_;
  };

  // One more write to wait for: call the returned function once with its outcome.
  Done Hold();

  // After the handler returned: `done` runs once every held write reported.
  void Finally(Done done);

  // For a handler whose answer is known only after a queued write (e.g. a state
  // change that must commit first): it Hold()s, and the write's callback leaves
  // the answer here before reporting; the server then sends this answer instead of
  // what the handler returned. The type is the server's (an HttpResponse).
  void SetAnswer(std::any answer);
  std::any TakeAnswer();

  AckGate(const AckGate&) = delete;
  AckGate& operator=(const AckGate&) = delete;

 private:
  AckGate() = default;
  void Release(Status outcome);

  std::mutex mu_;
  int outstanding_ = 1;  // guarded by mu_: the held writes, plus the handler until Finally()
  Status first_failure_;  // guarded by mu_
  Done done_;             // guarded by mu_
  std::any answer_;       // guarded by mu_
};

}  // namespace rxdesk
