package dev.ssejaxrs.internal.redis;

/**
 * The Lua scripts: each runs atomically in Redis, so an event gets one id, its stream entries and its queue entry
 * in one step, and a replay sees one consistent state. Ids come from Redis' clock, never a node's.
 */
public final class Scripts {
    private Scripts() {
    }

    private static final String IDS = """
            local function parse(id)
              local dash = string.find(id, '-', 1, true)
              return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
            end
            local function older(a, b)
              local am, as = parse(a)
              local bm, bs = parse(b)
              return am < bm or (am == bm and as < bs)
            end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local function newest(key)
              local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
              if #top > 0 then return top[1][1] end
              if redis.call('EXISTS', key) == 0 then return '' end
              local info = redis.call('XINFO', 'STREAM', key)
              for i = 1, #info, 2 do
                if info[i] == 'last-generated-id' then return info[i + 1] end
              end
              return ''
            end
            -- the next id of the clock (KEYS[1]): its last id + 1, or Redis' time when later
            local function nextId(clock)
              local ms, seq = now, 0
              local last = redis.call('HGET', clock, 'last')
              if last then
                local lms, lseq = parse(last)
                if lms >= now then ms, seq = lms, lseq + 1 end
              else
                redis.call('HSETNX', clock, 'origin', string.format('%d-0', now))
              end
              local id = string.format('%d-%d', ms, seq)
              redis.call('HSET', clock, 'last', id)
              return id
            end
            """;

    /**
     * Publish. KEYS: clock, nodes, then per address its stream and, for a recipient, its presence set and queue,
     * then each address's end key (a complete address refuses the event, see {@link #COMPLETE}). ARGV: history size, history age ms, queue size, queue age ms, kinds ({@code t}/{@code r} per address), then
     * field/value pairs. One id for every address: the clock's last id + 1, or Redis' time when later (so ids
     * order across addresses and never go back, even when the clock does). Each entry records {@code p}, the
     * previous id of its stream, from which a replay tells a trimmed gap from no gap. Returns {id, queued}.
     */
    static final String PUBLISH = IDS + """
            for i = #KEYS - #ARGV[5] + 1, #KEYS do
              local final = redis.call('GET', KEYS[i])
              if final then
                return redis.error_reply('COMPLETE the address is complete (its last event is ' .. final
                  .. '): it takes no more events')
              end
            end
            local id = nextId(KEYS[1])
            local function add(key, size, age, prev)
              local args = {'XADD', key, 'MAXLEN', '~', size, id, 'p', prev}
              for i = 6, #ARGV do args[#args + 1] = ARGV[i] end
              redis.call(unpack(args))
              redis.call('XTRIM', key, 'MINID', '~', string.format('%d-0', now - age))
              redis.call('PEXPIRE', key, age)
            end
            local k, queued = 3, 0
            for i = 1, #ARGV[5] do
              local stream = KEYS[k]
              k = k + 1
              add(stream, ARGV[1], tonumber(ARGV[2]), newest(stream))
              if string.sub(ARGV[5], i, i) == 'r' then
                local presence, queue = KEYS[k], KEYS[k + 1]
                k = k + 2
                local online = false
                for _, node in ipairs(redis.call('SMEMBERS', presence)) do
                  local lapses = redis.call('ZSCORE', KEYS[2], node)
                  if lapses and tonumber(lapses) >= now then online = true
                  else redis.call('SREM', presence, node) end
                end
                if not online and tonumber(ARGV[3]) > 0 then
                  add(queue, ARGV[3], tonumber(ARGV[4]), '')
                  queued = queued + 1
                end
              end
            end
            return {id, queued}
            """;

    /**
     * Replay. KEYS: stream, clock. ARGV: after id (exclusive; empty: an unknown id, replay all), limit, history age
     * ms, up to id (inclusive, or {@code +}). Returns {incomplete (0/1), entries}: incomplete when an entry after
     * the id is known to be gone (trimmed, expired, or the id predates this data set).
     */
    static final String REPLAY = IDS + """
            local after = ARGV[1]
            local origin = redis.call('HGET', KEYS[2], 'origin')
            if after == '' then
              local all = redis.call('XRANGE', KEYS[1], '-', ARGV[4], 'COUNT', ARGV[2])
              return {origin and 1 or 0, all}
            end
            local entries = {}
            if ARGV[4] == '+' or older(after, ARGV[4]) then
              entries = redis.call('XRANGE', KEYS[1], '(' .. after, ARGV[4], 'COUNT', ARGV[2])
            end
            if not origin or older(after, origin) then return {1, entries} end
            local first = entries[1]
            if not first then first = redis.call('XRANGE', KEYS[1], '(' .. after, '+', 'COUNT', 1)[1] end
            if first then
              local fields = first[2]
              for i = 1, #fields, 2 do
                if fields[i] == 'p' then
                  if fields[i + 1] ~= '' and older(after, fields[i + 1]) then return {1, entries} end
                  break
                end
              end
              return {0, entries}
            end
            if redis.call('EXISTS', KEYS[1]) == 0 then
              -- the key expires one history age after its last entry: if the id is younger, nothing came after it
              local ams = parse(after)
              return {ams < now - tonumber(ARGV[3]) and 1 or 0, entries}
            end
            local top = newest(KEYS[1])
            return {(top ~= '' and older(after, top)) and 1 or 0, entries}
            """;

    /**
     * Complete an address. KEYS: clock, stream, end key. ARGV: history size, kept ms, then field/value pairs of the
     * last event. Appends it with the next id and the field {@code x} (which tells every node's reader to end its
     * subscribers' streams after it), then keeps the stream and the end key (the last id) for the kept time and
     * no longer. Returns the id; an error when the address is complete already.
     */
    static final String COMPLETE = IDS + """
            local final = redis.call('GET', KEYS[3])
            if final then
              return redis.error_reply('COMPLETE the address is complete already (its last event is ' .. final .. ')')
            end
            local previous = newest(KEYS[2])
            local id = nextId(KEYS[1])
            local args = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], id, 'p', previous, 'x', '1'}
            for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
            redis.call(unpack(args))
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            redis.call('SET', KEYS[3], id, 'PX', ARGV[2])
            return id
            """;

    /** What is kept of an address. KEYS: stream, end key. Returns {oldest id or '', last id when complete or ''}. */
    static final String KEPT = """
            local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
            local final = redis.call('GET', KEYS[2])
            return {first and first[1] or '', final or ''}
            """;

    /** Take a recipient's queue. KEYS: queue. ARGV: up to id (inclusive). Returns its entries up to it, deletes it. */
    static final String TAKE_QUEUE = """
            local entries = redis.call('XRANGE', KEYS[1], '-', ARGV[1])
            redis.call('DEL', KEYS[1])
            return entries
            """;

    /** Node heartbeat. KEYS: nodes. ARGV: node id, ttl ms. Drops lapsed nodes. Returns Redis' time in ms. */
    static final String HEARTBEAT = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            return now
            """;
}
