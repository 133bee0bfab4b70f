// Web chats on a real migrated store (SQLite, and PostgreSQL where its binaries
// are installed), routed by the real contact center with a manual clock: message
// order and idempotency, sealing and audit, who sees what, ending, read markers,
// and a store reopened as after a restart.
#include "services/chat_service.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <vector>

#include "infra/ids.h"
#include "services/contact_center_service.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using testing::TempDir;
using testing::TestPostgres;
using testing::TestStoreOptions;

class ChatServiceTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    options_ = TestStoreOptions(GetParam(), dir_.path(), "chat");
    Open();
    auto ring = LoadOrCreateKeyFile(dir_.path() + "/rxdesk.key", true);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    vault_ = std::make_unique<PhiVault>(std::move(*ring));
    member_ = AddUser("member", Role::kMember);
    other_member_ = AddUser("member2", Role::kMember);
    agent_ = AddUser("agent", Role::kAgent);
    other_agent_ = AddUser("agent2", Role::kAgent);
    supervisor_ = AddUser("supervisor", Role::kSupervisor);
    MakeService();
  }

  // (Re)opens the store as after a restart; MakeService then starts the services on it.
  void Open() {
    chats_.reset();
    center_.reset();
    store_.reset();
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
  }
  // A contact center (rebuilt from the store) and the chat service it routes for.
  void MakeService(ChatPolicy policy = {}) {
    chats_.reset();
    center_.reset();
    auto center = ContactCenterService::Create(*store_, clock_, zone_, ContactCenterConfig{}, {.timer = false});
    ASSERT_TRUE(center.ok()) << center.error().message;
    center_ = std::move(*center);
    chats_ = std::make_unique<ChatService>(*store_, *vault_, clock_, center_.get(), policy);
    center_->OnAssigned([this](const AssignedContact& a) {
      assigned_.push_back(a);
      (void)chats_->Assign(a.contact_id, a.agent_user_id);
    });
  }

  Caller AddUser(const std::string& name, Role role) {
    Caller c;
    c.principal.user_id = NewId();
    c.principal.username = name;
    c.principal.role = role;
    c.request_id = "req-" + name;
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec("INSERT INTO users(id, username, role, password_hash, created_at) VALUES (?, ?, ?, 'x', 't')",
                          {Value(c.principal.user_id), Value(name), Value(std::string(ToString(role)))}));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return c;
  }

  // The agent logs in: the contact center gives them what waits (or arrives) for them.
  void Available(const Caller& agent) {
    auto v = center_->SetMyState(agent, Presence::kAvailable, "login");
    ASSERT_TRUE(v.ok()) << v.error().code << " " << v.error().message;
  }

  // A waiting chat of member_.
  Chat Started() {
    auto s = chats_->Start(member_, {});
    EXPECT_TRUE(s.ok()) << s.error().code << " " << s.error().message;
    return s.ok() ? s->chat : Chat{};
  }
  // A chat of member_ that agent_, going available after it arrived, was given.
  Chat Assigned() {
    Chat c = Started();
    Available(agent_);
    auto now = chats_->Get(member_, c.id);
    EXPECT_TRUE(now.ok() && now->agent_user_id == agent_.principal.user_id) << "the chat was not assigned";
    return c;
  }
  std::int64_t PostOk(const Caller& who, const Chat& chat, const std::string& client_id, const std::string& text) {
    auto p = chats_->Post(who, chat.id, client_id, text);
    EXPECT_TRUE(p.ok()) << p.error().code << " " << p.error().message;
    return p.ok() ? p->message.seq : -1;
  }
  std::int64_t Count(const std::string& sql, std::initializer_list<Value> params) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? rows->front().Int(0) : -1;
  }

  TempDir dir_;
  StoreOptions options_;
  ManualClock clock_{Instant{std::chrono::seconds(1'790'000'000)}};
  Zone zone_{date::locate_zone("America/Chicago")};
  std::unique_ptr<Store> store_;
  std::unique_ptr<PhiVault> vault_;
  std::unique_ptr<ContactCenterService> center_;
  std::unique_ptr<ChatService> chats_;
  std::vector<AssignedContact> assigned_;
  Caller member_, other_member_, agent_, other_agent_, supervisor_;
};

TEST_P(ChatServiceTest, StartRoutesAChatContactAndKeepsTheChatWaitingWithItsReference) {
  auto s = chats_->Start(member_, {.queue = "", .language = Language::kSpanish});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->chat.status, "waiting");
  EXPECT_EQ(s->chat.language, "es");
  EXPECT_EQ(s->position, 1);
  EXPECT_GT(s->expected_wait.count(), 0);
  EXPECT_TRUE(assigned_.empty());
  // The chat is the contact the center opened: same id, same reference, waiting in the chat queue.
  auto where = center_->Where(s->chat.id);
  ASSERT_TRUE(where.ok()) << where.error().message;
  EXPECT_FALSE(s->chat.reference.empty());
  EXPECT_EQ(s->chat.reference, where->contact.reference);
  EXPECT_EQ(where->contact.channel, "chat");
  EXPECT_EQ(where->position, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cc_routing WHERE contact_id = ? AND channel = 'chat' AND queue = 'chat' "
                  "AND language = 'es'",
                  {Value(s->chat.id)}),
            1);
}

TEST_P(ChatServiceTest, AnUnknownTopicIsRefusedNamingTopicAndLeavesNoOpenChat) {
  auto s = chats_->Start(member_, {.queue = "no_such_queue"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
  EXPECT_EQ(s.error().field, "topic");
  auto open = chats_->OpenChats(member_);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
}

TEST_P(ChatServiceTest, OnlyMembersStartChats) {
  auto s = chats_->Start(agent_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "forbidden");
}

TEST_P(ChatServiceTest, AnAssignmentMadeDuringTheArrivalIsRecorded) {
  Available(agent_);
  auto s = chats_->Start(member_, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->position, 0);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(assigned_[0].contact_id, s->chat.id);
  EXPECT_EQ(assigned_[0].channel, "chat");
  EXPECT_EQ(s->chat.status, "active");
  EXPECT_EQ(s->chat.agent_user_id, agent_.principal.user_id);
}

TEST_P(ChatServiceTest, MessagesGetConsecutiveSequenceNumbersFromOneAcrossBothSides) {
  const Chat chat = Assigned();
  EXPECT_EQ(PostOk(member_, chat, "m1", "Hello"), 1);
  EXPECT_EQ(PostOk(agent_, chat, "a1", "Hi, how can I help?"), 2);
  EXPECT_EQ(PostOk(member_, chat, "m2", "My refill"), 3);
}

TEST_P(ChatServiceTest, AMemberMayWriteWhileWaiting) {
  const Chat chat = Started();
  EXPECT_EQ(PostOk(member_, chat, "m1", "Still there?"), 1);
}

TEST_P(ChatServiceTest, AResentClientIdIsStoredOnceAndAnsweredWithTheFirstSeq) {
  const Chat chat = Started();
  EXPECT_EQ(PostOk(member_, chat, "m1", "once"), 1);
  EXPECT_EQ(PostOk(member_, chat, "m2", "twice"), 2);
  auto again = chats_->Post(member_, chat.id, "m1", "once");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->message.seq, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM chat_messages WHERE chat_id = ?", {Value(chat.id)}), 2);
  EXPECT_EQ(PostOk(member_, chat, "m3", "thrice"), 3);
}

TEST_P(ChatServiceTest, TheOtherSidesSameClientIdIsAnotherMessage) {
  const Chat chat = Assigned();
  EXPECT_EQ(PostOk(member_, chat, "1", "from the member"), 1);
  EXPECT_EQ(PostOk(agent_, chat, "1", "from the agent"), 2);
}

TEST_P(ChatServiceTest, TextIsStoredSealedAndReadBackInTheClear) {
  const Chat chat = Started();
  PostOk(member_, chat, "m1", "warfarin 5 mg makes me dizzy");
  auto rows = store_->Read(
      [&](Connection& c) { return c.Query("SELECT text_enc FROM chat_messages WHERE chat_id = ?", {Value(chat.id)}); });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().Text(0).find("warfarin"), std::string::npos);
  auto back = chats_->After(member_, chat.id, 0);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].text, "warfarin 5 mg makes me dizzy");
}

TEST_P(ChatServiceTest, EveryStoredMessageHasAnAuditEntryNamingTheChatContactAsPurpose) {
  const Chat chat = Started();
  PostOk(member_, chat, "m1", "a");
  PostOk(member_, chat, "m2", "b");
  (void)chats_->Post(member_, chat.id, "m2", "b");  // a resend stores nothing and audits nothing new
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'chat.message.create' AND purpose = ?",
                  {Value("contact:" + chat.id)}),
            2);
}

TEST_P(ChatServiceTest, AfterReturnsOnlyLaterMessagesInOrder) {
  const Chat chat = Started();
  for (int i = 1; i <= 5; ++i) PostOk(member_, chat, "m" + std::to_string(i), "text " + std::to_string(i));
  auto later = chats_->After(member_, chat.id, 2);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 3u);
  EXPECT_EQ((*later)[0].seq, 3);
  EXPECT_EQ((*later)[2].seq, 5);
  EXPECT_EQ((*later)[2].text, "text 5");
  auto none = chats_->After(member_, chat.id, 5);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto all = chats_->After(member_, chat.id, -7);  // a negative after_seq is read as 0
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
}

TEST_P(ChatServiceTest, AReplayStopsAtThePolicysPage) {
  ChatPolicy policy;
  policy.replay_page = 2;
  MakeService(policy);
  const Chat chat = Started();
  for (int i = 1; i <= 5; ++i) PostOk(member_, chat, "m" + std::to_string(i), "x");
  auto first = chats_->After(member_, chat.id, 0);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  auto next = chats_->After(member_, chat.id, first->back().seq);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ(next->front().seq, 3);
}

TEST_P(ChatServiceTest, AnAgentSeesNothingOfAChatBeforeItIsAssignedToThem) {
  const Chat chat = Started();
  PostOk(member_, chat, "m1", "hello");
  auto before = chats_->After(agent_, chat.id, 0);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code, "not_found");
  Available(agent_);
  auto after = chats_->After(agent_, chat.id, 0);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), 1u);
}

TEST_P(ChatServiceTest, StrangersGetNotFoundAndASupervisorReadsButDoesNotWrite) {
  const Chat chat = Assigned();
  PostOk(member_, chat, "m1", "hello");
  for (const Caller* stranger : {&other_member_, &other_agent_}) {
    EXPECT_EQ(chats_->Post(*stranger, chat.id, "x", "hi").error().code, "not_found");
    EXPECT_EQ(chats_->After(*stranger, chat.id, 0).error().code, "not_found");
    EXPECT_EQ(chats_->Transcript(*stranger, chat.id).error().code, "not_found");
  }
  EXPECT_EQ(chats_->Post(supervisor_, chat.id, "x", "hi").error().code, "not_found");
  auto transcript = chats_->Transcript(supervisor_, chat.id);
  ASSERT_TRUE(transcript.ok());
  EXPECT_EQ(transcript->second.size(), 1u);
  EXPECT_EQ(chats_->Get(member_, "not-an-id").error().code, "not_found");
}

TEST_P(ChatServiceTest, EndingAWaitingChatAbandonsItsContact) {
  const Chat chat = Started();
  auto ended = chats_->End(member_, chat.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->status, "ended");
  EXPECT_EQ(ended->ended_by, "member");
  // The center recorded the abandonment: the contact is no longer waiting.
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM cc_routing WHERE contact_id = ? AND abandoned_at IS NOT NULL", {Value(chat.id)}), 1);
  EXPECT_EQ(center_->Abandon(chat.id).error().code, "conflict");
}

TEST_P(ChatServiceTest, EndingAChatWithAnAgentFinishesItsContactAndClosesItToNewMessages) {
  const Chat chat = Assigned();
  PostOk(member_, chat, "m1", "thanks");
  auto ended = chats_->End(agent_, chat.id);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->ended_by, "agent");
  // The center finished the contact: the agent's wrap-up started.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cc_routing WHERE contact_id = ? AND ended_at IS NOT NULL", {Value(chat.id)}),
            1);
  EXPECT_EQ(center_->Me(agent_)->state, AgentState::kWrapUp);
  EXPECT_EQ(center_->Finish(chat.id).error().code, "conflict");
  EXPECT_EQ(chats_->Post(member_, chat.id, "m2", "one more").error().code, "conflict");
  // A resend of a message stored before the end is still answered with its seq.
  auto resent = chats_->Post(member_, chat.id, "m1", "thanks");
  ASSERT_TRUE(resent.ok());
  EXPECT_TRUE(resent->duplicate);
  // Ending twice changes nothing.
  auto again = chats_->End(member_, chat.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ended_by, "agent");
  auto open = chats_->OpenChats(agent_);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
}

TEST_P(ChatServiceTest, AReadMarkerNeverMovesBackAndStopsAtTheLastMessage) {
  const Chat chat = Assigned();
  for (int i = 1; i <= 3; ++i) PostOk(member_, chat, "m" + std::to_string(i), "x");
  EXPECT_EQ(chats_->MarkRead(agent_, chat.id, 2)->agent_read_seq, 2);
  EXPECT_EQ(chats_->MarkRead(agent_, chat.id, 1)->agent_read_seq, 2);
  EXPECT_EQ(chats_->MarkRead(agent_, chat.id, 99)->agent_read_seq, 3);
  EXPECT_EQ(chats_->Get(member_, chat.id)->member_read_seq, 0);
}

TEST_P(ChatServiceTest, AReopenedStoreKeepsEveryChatAndMessage) {
  const Chat chat = Assigned();
  PostOk(member_, chat, "m1", "before the restart");
  PostOk(agent_, chat, "a1", "noted");
  Open();
  MakeService();
  auto open = chats_->OpenChats(agent_);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().last_seq, 2);
  EXPECT_EQ(PostOk(member_, chat, "m2", "after the restart"), 3);
  auto transcript = chats_->Transcript(member_, chat.id);
  ASSERT_TRUE(transcript.ok());
  ASSERT_EQ(transcript->second.size(), 3u);
  EXPECT_EQ(transcript->second[0].text, "before the restart");
  EXPECT_EQ(transcript->second[1].sender_role, "agent");
}

TEST_P(ChatServiceTest, InvalidTextOrClientIdIsRefusedNamingTheFieldAndStoresNothing) {
  const Chat chat = Started();
  EXPECT_EQ(chats_->Post(member_, chat.id, "", "x").error().field, "client_id");
  EXPECT_EQ(chats_->Post(member_, chat.id, "m1", "").error().field, "text");
  EXPECT_EQ(chats_->Post(member_, chat.id, "m1", std::string(4001, 'a')).error().field, "text");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM chat_messages", {}), 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, ChatServiceTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<Dialect>& p) {
                           return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace rxdesk
