#include "storage/writer.hpp"
#include "tests/storage/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace socialcrm;
using namespace socialcrm::storage;

namespace {

constexpr int posts_per_batch = 200;

// The child: writes batch after batch and, after each commit returns,
// reports the batch number on the pipe. It never stops by itself.
[[noreturn]] void write_forever(const std::string& path, int ack_fd) {
  try {
    database db(path);
    writer w(db);
    for (int batch = 0;; ++batch) {
      ingest_batch b;
      for (int i = 0; i < posts_per_batch; ++i)
        b.posts.push_back(test::make_post(
          network::x, std::to_string(batch) + "-" + std::to_string(i), "a"));
      b.cursors.push_back({"crash-test", std::to_string(batch)});
      w.ingest(b, 1);
      if (::write(ack_fd, &batch, sizeof(batch)) != sizeof(batch))
        ::_exit(3);
    }
  } catch (...) {
    ::_exit(2);
  }
}

} // namespace

TEST_CASE("a writer killed with SIGKILL mid-batch loses no acknowledged "
          "batch",
          "[storage][integration]") {
  test::temp_dir dir;
  auto path = dir.file("crash.db");
  { database init(path); } // schema exists before the child starts

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    write_forever(path, fds[1]);
  }
  ::close(fds[1]);

  // Let it commit a good number of batches, then kill it while it is
  // writing the next one (it writes continuously, so it always is).
  int last_acked = -1;
  int batch = 0;
  while (last_acked < 25 && ::read(fds[0], &batch, sizeof(batch)) == sizeof(batch))
    last_acked = batch;
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(last_acked >= 25);

  database db(path);
  CHECK(db.integrity_check() == "ok");
  writer w(db);
  // Every acknowledged batch is complete...
  for (int b = 0; b <= last_acked; ++b)
    for (int i : {0, posts_per_batch / 2, posts_per_batch - 1})
      CHECK(w.posts().find_id(network::x, std::to_string(b) + "-"
                                            + std::to_string(i)));
  // ...and whatever got in after the last acknowledgement is whole batches
  // with their cursor: never half a batch.
  auto count = w.posts().count();
  CHECK(count % posts_per_batch == 0);
  auto cursor = std::stoi(w.cursors().get("crash-test").value());
  CHECK(cursor >= last_acked);
  CHECK(count == (cursor + 1) * posts_per_batch);
  // Sequence numbers continue after the highest stored one.
  CHECK(w.last_seq() == count);
}
