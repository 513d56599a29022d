#include "tests/support/local_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

#ifndef AKHBAR_SOURCE_DIR
#error "AKHBAR_SOURCE_DIR must name the source tree (set by tests/support/CMakeLists.txt)"
#endif

extern char** environ;

namespace akhbar::testing {
namespace {

// A loopback port that was free a moment ago: bind port 0, read it back.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int saved = errno;
    close(fd);
    throw std::runtime_error(std::string("bind/getsockname: ") + std::strerror(saved));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string MakeTempDir() {
  std::string pattern = "/tmp/akhbar-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  return pattern;
}

// Runs argv with `env` added to the environment, stdout and stderr captured
// together. Done with fork/exec rather than popen so that the child gets no
// descriptor of ours besides the pipe: a server it starts lives on as a
// daemon, and inherited client sockets would keep our connections half-open
// (a closed connection would never reach the server) and log pipes open.
int RunCaptured(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                std::string* output) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('='));
    if (env.find(key) == env.end()) env_strings.push_back(entry);
  }
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  std::vector<char*> args;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return -1;
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here on: the parent may have threads.
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    close_range(3, ~0U, 0);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      output->append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

constexpr char kOwnerFile[] = "owner.pid";

bool ProcessAlive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// A test process that crashed (abort, sanitizer report, ctest timeout) runs
// no destructors, and its servers run on as daemons. Each directory records
// its owner's pid; the first server of every later test process stops the
// servers of owners that are gone and removes their directories.
void ReapAbandoned() {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/tmp", error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("akhbar-test-", 0) != 0) continue;
    std::ifstream owner_file(entry.path() / kOwnerFile);
    pid_t owner = 0;
    if (!(owner_file >> owner) || ProcessAlive(owner)) continue;
    std::string ignored;
    const std::string dir = entry.path().string();
    const std::string scripts = std::string(AKHBAR_SOURCE_DIR) + "/deploy/local/";
    if (fs::exists(entry.path() / "data" / "PG_VERSION")) {
      RunCaptured({"/bin/bash", scripts + "postgres.sh", "kill", dir}, {}, &ignored);
    }
    if (fs::exists(entry.path() / "redis.pid")) {
      RunCaptured({"/bin/bash", scripts + "redis.sh", "kill", dir}, {}, &ignored);
    }
    fs::remove_all(entry.path(), error);
  }
}

}  // namespace

LocalServer::LocalServer(std::string script, std::map<std::string, std::string> env)
    : script_(std::string(AKHBAR_SOURCE_DIR) + "/deploy/local/" + script), env_(std::move(env)) {
  static std::once_flag reaped;
  std::call_once(reaped, ReapAbandoned);
  dir_ = MakeTempDir();
  port_ = PickFreePort();
  std::ofstream(dir_ + "/" + kOwnerFile) << getpid() << "\n";
}

LocalServer::~LocalServer() {
  if (paused_) Resume();
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

::testing::AssertionResult LocalServer::RunScript(const std::string& verb, bool with_port,
                                                  std::string* output) {
  std::vector<std::string> argv = {"/bin/bash", script_, verb, dir_};
  if (with_port) argv.push_back(std::to_string(port_));
  std::string captured;
  const int code = RunCaptured(argv, env_, &captured);
  if (output != nullptr) *output = captured;
  if (code != 0) {
    return ::testing::AssertionFailure()
           << script_ << " " << verb << " " << dir_ << " exited with " << code << ":\n"
           << captured;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult LocalServer::Start() { return RunScript("start", true); }

::testing::AssertionResult LocalServer::Stop() {
  paused_ = false;  // the scripts wake a paused server before stopping it
  return RunScript("stop", false);
}

::testing::AssertionResult LocalServer::Kill() {
  paused_ = false;
  return RunScript("kill", false);
}

::testing::AssertionResult LocalServer::Signal(int signal) {
  std::string output;
  if (auto ran = RunScript("pid", false, &output); !ran) return ran;
  const pid_t pid = static_cast<pid_t>(std::atol(output.c_str()));
  if (pid <= 1) return ::testing::AssertionFailure() << "no server pid in: " << output;
  // PostgreSQL's postmaster leads a process group holding every backend;
  // freezing only the postmaster would leave open connections working.
  const pid_t target = getpgid(pid) == pid ? -pid : pid;
  if (kill(target, signal) != 0) {
    return ::testing::AssertionFailure()
           << "kill(" << target << ", " << signal << "): " << std::strerror(errno);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult LocalServer::Pause() {
  auto result = Signal(SIGSTOP);
  if (result) paused_ = true;
  return result;
}

::testing::AssertionResult LocalServer::Resume() {
  auto result = Signal(SIGCONT);
  if (result) paused_ = false;
  return result;
}

LocalPostgres::LocalPostgres() : LocalServer("postgres.sh", {{"AKHBAR_PG_FAST", "1"}}) {}

std::string LocalPostgres::dsn() const {
  return "host=127.0.0.1 port=" + std::to_string(port()) +
         " dbname=akhbar user=akhbar connect_timeout=2";
}

LocalRedis::LocalRedis() : LocalServer("redis.sh", {}) {}

}  // namespace akhbar::testing
