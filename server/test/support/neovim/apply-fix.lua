-- Run by server/test/lsp-neovim.test.ts in `nvim --headless -u <this file>`: Neovim's own LSP client
-- (0.7 API, no plugins, no lspconfig) against `pg-preflight lsp --stdio`, doing what a user does: open a
-- migration, wait for the diagnostics, ask for code actions on the line (vim.lsp.buf.code_action, with
-- vim.ui.select answered here), pick "Use CONCURRENTLY", wait for the buffer to change, :write. What
-- happened goes to $PGPF_OUT as JSON; the test checks it and the files on disk. Every wait is bounded.
local env = vim.env
local wait_ms = tonumber(env.PGPF_WAIT_MS) or 20000
local result = { messages = {} }

local function codes(ds)
  local out = {}
  for _, d in ipairs(ds or {}) do table.insert(out, d.code) end
  table.sort(out)
  return out
end

local function finish(err)
  result.error = err
  local f = assert(io.open(env.PGPF_OUT, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.PGPF_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'pg_preflight',
    cmd = { env.PGPF_NODE, env.PGPF_BIN, 'lsp', '--stdio' },
    root_dir = env.PGPF_ROOT,
    handlers = {
      ['window/showMessage'] = function(_, r)
        table.insert(result.messages, r.message)
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  vim.lsp.buf_attach_client(bufnr, client_id)

  local function finding(code)
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == code then return d end
    end
  end
  if not vim.wait(wait_ms, function() return finding('require-concurrent-index-creation') ~= nil end, 20) then
    error('no require-concurrent-index-creation diagnostic within ' .. wait_ms .. ' ms')
  end
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { code = d.code, line = d.lnum })
  end

  -- vim.ui.select, answered: records the menu, picks the first title matching `want` (nil: closes it).
  local function answer(into, want)
    vim.ui.select = function(items, _, on_choice)
      local offered, pick = {}, nil
      for _, item in ipairs(items) do
        local a = item[2]
        table.insert(offered, {
          title = a.title,
          kind = a.kind,
          command = type(a.command) == 'table' and a.command.command or nil,
          hasEdit = a.edit ~= nil,
          diagnostics = codes(a.diagnostics),
        })
        if want and not pick and a.title:match(want) then pick = item end
      end
      result[into] = offered
      on_choice(pick)
    end
  end

  -- The menu for every diagnostic of the file (the header is offered by findings on two lines); closed.
  local all = {}
  for line = 0, vim.api.nvim_buf_line_count(bufnr) - 1 do
    vim.list_extend(all, vim.lsp.diagnostic.get_line_diagnostics(bufnr, line))
  end
  answer('offeredAll', nil)
  vim.lsp.buf.code_action({ diagnostics = all })
  if not vim.wait(wait_ms, function() return result.offeredAll ~= nil end, 20) then
    error('no code actions for the whole file within ' .. wait_ms .. ' ms')
  end

  -- The menu of the CREATE INDEX line, answered with "Use CONCURRENTLY".
  local d = finding('require-concurrent-index-creation')
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  answer('offered', '^Use CONCURRENTLY')
  vim.lsp.buf.code_action()
  if not vim.wait(wait_ms, function() return result.offered ~= nil end, 20) then
    error('no code actions within ' .. wait_ms .. ' ms')
  end
  local titles = {}
  for _, a in ipairs(result.offered) do table.insert(titles, a.title) end
  if not table.concat(titles, '\n'):find('Use CONCURRENTLY', 1, true) then
    error('no "Use CONCURRENTLY" action among: ' .. table.concat(titles, ' | '))
  end
  local function text()
    return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  end
  if not vim.wait(wait_ms, function() return not text():find('CREATE INDEX', 1, true) end, 20) then
    error('the buffer still holds the CREATE INDEX after ' .. wait_ms .. ' ms: ' .. text())
  end
  vim.cmd('write')
  if not vim.wait(wait_ms, function() return finding('require-concurrent-index-creation') == nil end, 20) then
    error('require-concurrent-index-creation is still reported after the fix')
  end
  result.after = codes(vim.diagnostic.get(bufnr))

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end

local ok, err = xpcall(main, debug.traceback)
finish(not ok and tostring(err) or nil)
