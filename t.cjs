try { const wp = require("@actions/workflow-parser"); console.log(Object.keys(wp)); } catch(e) { console.log("ERR", e.message.slice(0,300)); }
