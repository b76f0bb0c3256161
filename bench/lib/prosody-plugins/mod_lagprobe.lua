-- Used by bench/lib/scale-probe.ts only. Measures Prosody's own event-loop lag (a 10 ms timer's lateness) and Lua heap, and lets the probe
-- switch the Lua GC mode at run time through a control file.
local gettime = require "util.time".now;
local out = assert(io.open(module:get_option_string("lagprobe_file"), "w"));
local ctl = module:get_option_string("lagprobe_ctl");
out:setvbuf("line");
local interval = 0.01;
local last = gettime();
local lastctl = "";
local sec = math.floor(last);
local maxlag, maxat, kb0 = 0, 0, collectgarbage("count");
local function apply(cmd)
	local mode, a, b, c = cmd:match("^(%S+)%s*(%S*)%s*(%S*)%s*(%S*)");
	if mode == "incremental" then collectgarbage("restart"); collectgarbage("incremental", tonumber(a), tonumber(b), tonumber(c));
	elseif mode == "generational" then collectgarbage("restart"); collectgarbage("generational", tonumber(a), tonumber(b));
	elseif mode == "stop" then collectgarbage("stop");
	elseif mode == "collect" then collectgarbage("collect"); end
	out:write(string.format("ctl %.3f %s\n", gettime(), cmd));
end
module:add_timer(interval, function()
	local t = gettime();
	local lag = t - last - interval;
	last = t;
	local kb = collectgarbage("count");
	if lag > 0.03 then out:write(string.format("lag %.3f %.1f %.0f %.0f\n", t, lag * 1000, kb0, kb)); end
	kb0 = kb;
	if lag > maxlag then maxlag, maxat = lag, t; end
	local s = math.floor(t);
	if s ~= sec then
		out:write(string.format("sec %d %.1f %.0f\n", sec, maxlag * 1000, kb));
		sec, maxlag = s, 0;
		local f = io.open(ctl, "r");
		if f then local c = f:read("*l") or ""; f:close(); if c ~= lastctl then lastctl = c; apply(c); end end
	end
	return interval;
end);
