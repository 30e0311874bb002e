# The collector does not list one of the routers the node needs.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control 
fc_template 'doc["routers"] = doc["routers"][:1]; doc["sessions"] = doc["sessions"][:2]'
fr_expect "collector-router-missing" 3 'does not poll router cr2-eqiad' -- "${FC_ARGS[@]}" 
fr_note "router missing at the collector: Unknown"
