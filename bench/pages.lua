-- wrk script for bench/pages.py: one page, at full speed or on a fixed schedule.
--
-- Configured through the environment (bench/pages.py sets it):
--   BENCH_EXPECT   the status every answer must have (200; 302 for a posted review); any other
--                  counts as an error, 3xx included, as wrk itself counts only 4xx and 5xx
--   BENCH_RATE     requests a second over all threads; 0 or unset: as fast as answers come
--   BENCH_THREADS  wrk's thread count (-t), to split the rate between them
--   BENCH_POSTS    a file for posting reviews, "M<TAB>cookie<TAB>csrf token" and
--                  "F<TAB>path" lines: request k posts to film path for member k % members,
--                  each member walking its own stretch of films, so no pair repeats
--   BENCH_POST_FROM the first k (where the previous run stopped)
--   BENCH_COOKIE   a member's cookies, sent with every GET (the page as that member gets it)
-- done() prints one line, "BENCH-RESULT {json}", that bench/pages.py reads.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

-- A request that starts this much after its slot in the schedule counts as late.
local LATE_MS = 10

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread runs its own copy of this script).
unexpected = 0
late = 0
max_lag_ms = 0
statuses = {}

local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local interval_ms, next_slot
local members, films = {}, {}
local stride, stretch
counter = nil -- the next request's k (a global: done() reads it through thread:get)

local function read_posts(path)
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    local kind, first, second = line:match("^(%a)\t([^\t]*)\t?(.*)$")
    if kind == "M" then
      table.insert(members, { cookie = first, csrf = second })
    elseif kind == "F" then
      table.insert(films, first)
    end
  end
  file:close()
  assert(#members > 0 and #films > 0, "no members or films in " .. path)
end

function init(args)
  local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  if rate > 0 then
    interval_ms = 1000 * thread_count / rate
    -- Threads take turns: thread i's slots are offset by i / rate.
    next_slot = now_ms() + 100 + thread_index * interval_ms / thread_count
  else
    delay = nil -- no schedule: wrk sends the next request as soon as an answer is in
  end
  local posts = os.getenv("BENCH_POSTS")
  if posts and posts ~= "" then
    read_posts(posts)
    counter = tonumber(os.getenv("BENCH_POST_FROM") or "0") + thread_index
    stride = thread_count
    stretch = math.max(1, math.floor(#films / #members))
  else
    local cookie = os.getenv("BENCH_COOKIE")
    if cookie and cookie ~= "" then
      wrk.headers["Cookie"] = cookie
    end
    request = nil -- the same GET every time: wrk builds it once
  end
end

function delay()
  local now = now_ms()
  local slot = next_slot
  next_slot = next_slot + interval_ms
  local wait = slot - now
  if -wait > max_lag_ms then
    max_lag_ms = -wait
  end
  if -wait > LATE_MS then
    late = late + 1
  end
  if wait <= 0 then
    return 0
  end
  return math.ceil(wait)
end

function request()
  local k = counter
  counter = counter + stride
  local m = k % #members
  local member = members[m + 1]
  local film = films[(math.floor(k / #members) + m * stretch) % #films + 1]
  local rating = (k % 10 + 1) / 2
  local body = "csrfmiddlewaretoken=" .. member.csrf
    .. string.format("&rating=%.1f", rating)
    .. "&body=Seen+for+the+benchmark%3A+a+fair+evening+out."
  return wrk.format("POST", film, {
    ["Cookie"] = member.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

local function json_number(value)
  return string.format("%.3f", value)
end

function done(summary, latency, requests)
  local total_unexpected, total_late, lag, next_post = 0, 0, 0, nil
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
    total_late = total_late + thread:get("late")
    lag = math.max(lag, thread:get("max_lag_ms"))
    local counter = thread:get("counter")
    if counter then
      next_post = math.max(next_post or 0, counter)
    end
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local percentiles = {}
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    table.insert(percentiles, string.format('"%g": %s', p, json_number(latency:percentile(p))))
  end
  local errors = summary.errors
  io.write("BENCH-RESULT {")
  io.write(string.format('"duration_us": %d, "requests": %d, "bytes": %d, ',
    summary.duration, summary.requests, summary.bytes))
  io.write(string.format(
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, ',
    errors.connect, errors.read, errors.write, errors.timeout, errors.status))
  io.write(string.format('"unexpected": %d, "unexpected_statuses": {%s}, ',
    total_unexpected, table.concat(parts, ", ")))
  io.write(string.format('"late": %d, "max_lag_ms": %s, ', total_late, json_number(lag)))
  if next_post then
    io.write(string.format('"next_post": %d, ', next_post))
  end
  io.write(string.format('"latency_us": {"min": %s, "mean": %s, "max": %s, "percentiles": {%s}}',
    json_number(latency.min), json_number(latency.mean), json_number(latency.max),
    table.concat(percentiles, ", ")))
  io.write("}\n")
end
