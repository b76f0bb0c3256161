-- Used by bench/lib/skill-profile.ts only: a sampling profile of Prosody's own Lua, to say where its CPU
-- goes for one kind of call. A count hook (every luaprof_period VM instructions) on the main thread and
-- on every coroutine created after load (stanzas are processed in per-session async runners) charges the
-- CPU time since the previous sample (os.clock) to the function running now ("self") and to every
-- function on its stack ("inclusive"). Time spent in C (expat, string functions, socket writes) lands on
-- the Lua function that called it. Controlled through a file polled every 0.2 s: "reset N" starts a new
-- profile, "dump N PATH" writes it (N makes each command new).
local ctl = module:get_option_string("luaprof_ctl");
local period = module:get_option_number("luaprof_period", 2000);
local getinfo, clock, sethook = debug.getinfo, os.clock, debug.sethook;

local self_t, incl_t, last, total = {}, {}, clock(), 0;

local function key(info)
	return info.short_src .. ":" .. (info.linedefined or 0) .. " " .. (info.name or "?");
end

local function hook()
	local now = clock();
	local dt = now - last;
	last = now;
	total = total + dt;
	local info = getinfo(2, "Sn");
	if not info then return end
	local k = key(info);
	self_t[k] = (self_t[k] or 0) + dt;
	local seen = { [k] = true };
	incl_t[k] = (incl_t[k] or 0) + dt;
	for level = 3, 40 do
		local up = getinfo(level, "Sn");
		if not up then break end
		local uk = key(up);
		if not seen[uk] then
			seen[uk] = true;
			incl_t[uk] = (incl_t[uk] or 0) + dt;
		end
	end
end

local cocreate, cowrap = coroutine.create, coroutine.wrap;
coroutine.create = function(f)
	local co = cocreate(f);
	sethook(co, hook, "", period);
	return co;
end
coroutine.wrap = function(f)
	local co = cocreate(f);
	sethook(co, hook, "", period);
	return function(...)
		local r = table.pack(coroutine.resume(co, ...));
		if not r[1] then error(r[2], 0) end
		return table.unpack(r, 2, r.n);
	end
end

local function top(t, n)
	local list = {};
	for k, v in pairs(t) do list[#list + 1] = { k, v } end
	table.sort(list, function(a, b) return a[2] > b[2] end);
	local out = {};
	for i = 1, math.min(n, #list) do out[i] = list[i] end
	return out;
end

local function dump(path)
	local f = io.open(path, "w");
	if not f then return end
	f:write(string.format("total %.6f\n", total));
	for _, e in ipairs(top(self_t, 60)) do f:write(string.format("self %.6f %s\n", e[2], e[1])) end
	for _, e in ipairs(top(incl_t, 120)) do f:write(string.format("incl %.6f %s\n", e[2], e[1])) end
	f:close();
end

local lastcmd, main_hooked = "", false;
module:add_timer(0.2, function()
	-- Modules load inside a coroutine; timers run on the main thread, where the network loop and parsing run.
	if not main_hooked then
		main_hooked = true;
		sethook(hook, "", period);
		local _, is_main = coroutine.running();
		module:log("info", "luaprof: sampling every %d instructions (main thread hooked: %s)", period, tostring(is_main));
	end
	local f = io.open(ctl, "r");
	if f then
		local cmd = f:read("*l") or "";
		f:close();
		if cmd ~= lastcmd then
			lastcmd = cmd;
			local verb, _, path = cmd:match("^(%S+)%s+(%S+)%s*(.*)$");
			if verb == "reset" then
				self_t, incl_t, total, last = {}, {}, 0, clock();
			elseif verb == "dump" then
				dump(path);
			end
		end
	end
	return 0.2;
end);
