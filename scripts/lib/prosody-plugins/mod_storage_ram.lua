-- A keyval store kept by reference in Prosody's memory, for test servers only (tests/integration/bounds.test.ts).
-- Stock mod_storage_internal rewrites a user's whole roster file for every pending subscription request, and
-- mod_storage_memory re-serializes and re-compiles it: either way 10,000 requests cost the server quadratic
-- time and the flood test would measure Prosody's storage, not the agent. Nothing here survives a restart.
local stores = {};

local keyval = {};
keyval.__index = keyval;
function keyval:get(user) return self.data[user or false]; end
function keyval:set(user, data) self.data[user or false] = data; return true; end
function keyval:users() return next, self.data, nil; end

local driver = {};
function driver:open(store, typ)
	if typ and typ ~= "keyval" then return nil, "unsupported-store"; end
	local s = stores[store];
	if not s then
		s = setmetatable({ data = {} }, keyval);
		stores[store] = s;
	end
	return s;
end

module:provides("storage", driver);
