// mcp-docker command-line entry (operators' tool). Commands are added as the security core lands.
console.log('mcp-docker: usage: mcp-docker <command> (see --help)')
