#include "infra/ack_gate.h"

#include <utility>

namespace rxdesk {
namespace {
thread_local AckGate* current_gate = nullptr;
}  // namespace

std::shared_ptr<AckGate> AckGate::Make() { return std::shared_ptr<AckGate>(new AckGate()); }

AckGate* AckGate::Current() { return current_gate; }

AckGate::Scope::Scope(AckGate& gate) : previous_(current_gate) { current_gate = &gate; }

AckGate::Scope::~Scope() { current_gate = previous_; }

AckGate::Done AckGate::Hold() {
  {
    std::lock_guard lock(mu_);
    ++outstanding_;
  }
  return [self = shared_from_this()](Status outcome) { self->Release(std::move(outcome)); };
}

void AckGate::Finally(Done done) {
  {
    std::lock_guard lock(mu_);
    done_ = std::move(done);
  }
  Release(OkStatus());
}

void AckGate::SetAnswer(std::any answer) {
  std::lock_guard lock(mu_);
  answer_ = std::move(answer);
}

std::any AckGate::TakeAnswer() {
  std::lock_guard lock(mu_);
  return std::exchange(answer_, std::any());
}

void AckGate::Release(Status outcome) {
  Done done;
  Status result;
  {
    std::lock_guard lock(mu_);
    if (!outcome.ok() && first_failure_.ok()) first_failure_ = std::move(outcome);
    if (--outstanding_ > 0) return;
    done = std::move(done_);
    result = first_failure_;
  }
  if (done) done(std::move(result));
}

}  // namespace rxdesk
