//! Golden links: committed encodings that must keep decoding to the same scenario and view
//! forever. Never edit an entry; add new ones. If one stops decoding, a change broke old links
//! (for example `DEFAULTS_V1` or the meaning of a scenario field changed): fix the code, not
//! the vector.

use fpaxos_share::{decode_fragment, ViewState};
use fpaxos_sim::Scenario;

/// (what, link, scenario JSON, view JSON)
const GOLDEN: &[(&str, &str, &str, &str)] = &[
    (
        "default scenario",
        "s=1.q1YqVrKqrq0FAA",
        r#"{"version":1,"name":"","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":5,"quorum":{"kind":"majority"},"allow_unsafe":false,"thrifty":false,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":8,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000}}"#,
        r#"{"panels":[],"time_ms":null,"embed":null,"compare":[],"sweep":null}"#,
    ),
    (
        "default with a few changes",
        "s=1.JY1NCoNADIWvUt7aRRULMuAVCj2CONN2UBMaE4rI3N2Iq_fH49uxIuwYZ1s1yWmJY_Kuq_AzFlvObsoUETCykWb6wLca4eHSILSlgn4lv3VDULHkmYYl-eHZd7dX07d--LNMMw_xouVE6pD6Xko5AA",
        r#"{"version":1,"name":"N=8 Q2=4","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":8,"quorum":{"kind":"counting","q1":5,"q2":4},"allow_unsafe":false,"thrifty":true,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":10,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000}}"#,
        r#"{"panels":[],"time_ms":null,"embed":null,"compare":[],"sweep":null}"#,
    ),
    (
        "every field changed, full view state and compare variants",
        "s=1.1VXLcuM2EPwVFQ45sVQkTa4VVZxjjqnk7FWxIHAkoYwHjYdl15a-KT-Q2_5YekBa1m7lcc7FIoDBzKC7p_1FRLH9IpTJMVHgT2mMPw_ZRXkgsU0hUyX2MqmT2HaVUN5anYZl464SZEgl7d2QtCWfk9iKu7q2UVTiRDKkPcl5r2xpp5OWZjAkRy7nsjGVMP44BEpSO7Ht60o4PxLa-lSJ5-xDtqVDb2Ip-KTdiITHoEckfG7wjbNsHVbBnxHUXvBFKUgX0SvOf5yLp1PQh_T2_qgzEvmz2G4QrqbMRSYKaES94E5bZ77DO5FKxXtsIHTMQfKDy6M45CCzSSj7COzUcqKCjCeczW_nKH6T2NaX6iZqAj66fC-RPUceg88T53usq6Zqd9XjXdVV_W73zV2Aa96vfUJju0pYvFmrwuc-qyfio7Zf3h6kokHJSSrNEDR1jV6EkxZdCXqh8JZO2h25U0pnH55KGunGsx7TabB7bqmp16BHGU0uDUYmcuqN4x74z6gjV6TXyTuc69KfJekKmjOclikWPS8uBcvJaIU8QGZd1y2k8PdJs9MHHyxnkK8Mqf3I1tg5mdHuaaZh7xPEeZAmguZD8BBQ_U3qJatDytsuNzNWMY0jsQY6WxhPHrJkgI2PsXTacB8A-5VZEn259W9_weH_OWrH83SE7uKVF-MVkPuAUuEwIf5FmkzvpFTCH4ZZ-NAyqxl6ZkUjnfXM-vU-LOCGjVEXPrqFD320knFv-8uFmXa4Gwt_-F2ddTqtPrNVYPVZVKuvf7qvfyiUXf2w-inJY_yZkxBhiNuu29zdb5qu7u7bDfzsLIPNEyuUK7HujZfjbIms8tlz2PUwCsP-rRRu2g2ellNM2OShwWDgTUXHfV1mJNBzppjiPGnsPVDnggtWV69sZu2-zBZn4QhUJGzknoCv-E2--oLBdy69WOSG8fiI_uW_wm8ddTFS5TOGtUw-m2mPnxZWf_nOLz_M4teHzer39qH7J7yaGk2BY7J7KicyJz8ZeTVe0Jvk3lz_uxjvJ46cV5N0xFb_KCLMihgq6BSLQmC97nlAYZyDZavvC9rpRKW1UcK3Lrc53jGobrKBzxMSxJL2TMT0P7cPzXrdL9yU3E17162huL8A",
        r#"{"version":1,"name":"everything","notes":"notes with \"quotes\", ünïcode & <tags>","seed":244837814047284,"duration":"30s","warmup":"2s","cluster":{"nodes":6,"quorum":{"kind":"grid","rows":2,"cols":3,"q1":"column"},"allow_unsafe":true,"thrifty":true,"window":8,"batch":4,"heartbeat":"30ms","election_timeout":"300ms","retransmit":"90ms","commit_batch":3,"log_retain":50,"initial_leader":null},"network":{"latency":{"dist":"uniform","min":"1ms","max":"3ms"},"client_latency":{"dist":"exponential","min":"50us","mean":"200us"},"regions":{"of_node":[0,0,1,1,2,2],"local":{"dist":"const","value":"1ms"},"remote":{"dist":"lognormal","median":"40ms","sigma":0.25}},"matrix":[["5ms","5ms","5ms","5ms","5ms","5ms"],["5ms","5ms","5ms","5ms","5ms","5ms"],["5ms","5ms","5ms","5ms","5ms","5ms"],["5ms","5ms","5ms","5ms","5ms","5ms"],["5ms","5ms","5ms","5ms","5ms","5ms"],["5ms","5ms","5ms","5ms","5ms","5ms"]],"links":[{"from":0,"to":5,"latency":{"dist":"normal","mean":"80ms","stddev":"4ms"},"both":false}],"loss":0.01,"duplicate":0.002,"bandwidth_mbps":10.0},"cpu":{"per_recv":"20us","per_send":"7us"},"workload":{"clients":3,"outstanding":10,"think":"1ms","rate":500.0,"timeout":"1s","command_bytes":128,"requests":1000},"faults":[{"at":"3s","action":"crash","node":0},{"at":"5s","action":"partition","groups":[[0,1,2],[3,4,5]]},{"at":"6s","action":"heal"}],"metrics":{"bucket":"250ms","trace_capacity":1000}}"#,
        r#"{"panels":["cluster","spacetime","charts"],"time_ms":1234.5,"embed":{"panels":["spacetime"],"autoplay":true,"looped":true,"start_ms":250.0,"speed":0.5,"editable":true,"theme":"dark"},"compare":[{"label":"Paxos","scenario":{"version":1,"name":"","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":8,"quorum":{"kind":"majority"},"allow_unsafe":false,"thrifty":false,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":8,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000}}},{"label":"FPaxos","scenario":{"version":1,"name":"N=8 Q2=4","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":8,"quorum":{"kind":"counting","q1":5,"q2":4},"allow_unsafe":false,"thrifty":true,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":10,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000}}}],"sweep":"q2=1..5"}"#,
    ),
    (
        "version 2: a counterexample with its schedule (4 nodes, Q1 = Q2 = 2, split brain)",
        "s=2.nVLLTsMwEPwVtGcfkpRTJL4EocrYW2p1_agfjVCUf2cTR9AiWtHmkI3XM7Ozo4yQoB_BSYvQQwpk8tN7lMaBAF2izMY7vmhbm7gzyGhL4HPDB0UlZYwL3WtknWcBx-JjsXPvYJxmpPLFZeM-mHBsoe-4dFwmAZLID9viktzx7BwLCjDOZCNpSyj1LO0KEUMHHw_kpZ51FRl0OVWNpPaoC-F88TK_8ITxcza8-GV_gZGvI0i1bpKNZWGxWIa-EWujBySsmEmcwTWSOS2EXfS2Ejz0LQvk_VLXPUPEICPeZreV3fzB9takX-yIx4Ipn5uty_PnPSY332OkUhjy5ZTLQLp7A-nqrM1jgWwqu7saCDcQQ_09bobT_YTT_sdwczWct4mfLw",
        r#"{"version":1,"name":"split brain","notes":"","seed":1,"duration":"11ms","warmup":"0","cluster":{"nodes":4,"quorum":{"kind":"counting","q1":2,"q2":2},"allow_unsafe":true,"thrifty":false,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":null},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":2,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[],"metrics":{"bucket":"100ms","trace_capacity":200000},"schedule":{"every":"1ms","steps":[{"action":"timer","node":0,"timer":"election"},{"action":"deliver","from":0,"to":1,"nth":1,"kind":"prepare"},{"action":"deliver","from":1,"to":0,"nth":1,"kind":"promise"},{"action":"request","node":0,"client":0},{"action":"deliver","from":0,"to":1,"nth":3,"kind":"accept"},{"action":"timer","node":2,"timer":"election"},{"action":"deliver","from":2,"to":3,"nth":1,"kind":"prepare"},{"action":"deliver","from":3,"to":2,"nth":1,"kind":"promise","keep":true},{"action":"request","node":2,"client":1},{"action":"deliver","from":2,"to":0,"nth":3,"kind":"accept"}]}}"#,
        r#"{"panels":[],"time_ms":null,"embed":null,"compare":[],"sweep":null}"#,
    ),
    (
        "version 1 as written before 2026-12-07: check-quorum off, pre-vote, sessions and loss faults (now written as version 3)",
        "s=1.jY1RCsIwEESvIvMdpAr-5CoiJQ1bDKZNzW4qEnJ3N-gB_HzDm5kKhq1Y3UKwiGGnlZgP_Ari78Qw8LGwUO6WJv4xPkvKZYGdXWQy2DKNexKtSy7KrP2QVv5yM5hdiaJ4rXCiJ6e-6ryo1C8Td95ymtwUYpA37HAcLs389PM_eru19gE",
        r#"{"version":1,"name":"liveness switches","notes":"","seed":1,"duration":"10s","warmup":"500ms","cluster":{"nodes":5,"quorum":{"kind":"majority"},"allow_unsafe":false,"thrifty":false,"window":64,"batch":1,"heartbeat":"20ms","election_timeout":"150ms","retransmit":"60ms","commit_batch":16,"log_retain":1024,"initial_leader":0,"check_quorum":false,"pre_vote":true,"sessions":true},"network":{"latency":{"dist":"normal","mean":"2ms","stddev":"300us"},"client_latency":{"dist":"const","value":"100us"},"regions":null,"matrix":null,"links":[],"loss":0.0,"duplicate":0.0,"bandwidth_mbps":null},"cpu":{"per_recv":"10us","per_send":"5us"},"workload":{"clients":8,"outstanding":1,"think":"0","rate":null,"timeout":"500ms","command_bytes":64,"requests":null},"faults":[{"at":"1s","action":"loss","probability":0.05},{"at":"2s","action":"loss","probability":0.0}],"metrics":{"bucket":"100ms","trace_capacity":200000}}"#,
        r#"{"panels":[],"time_ms":null,"embed":null,"compare":[],"sweep":null}"#,
    ),
];

#[test]
fn golden_links_decode_forever() {
    for (what, link, scenario, view) in GOLDEN {
        let got = decode_fragment(link).unwrap_or_else(|e| panic!("{what}: {e}"));
        let want = Scenario::from_json(scenario).unwrap();
        assert_eq!(got.scenario, want, "{what}");
        let want: ViewState = serde_json::from_str(view).unwrap();
        assert_eq!(got.view, want, "{what}");
        // The same link inside a URL with other parameters.
        let url = format!("https://example.org/fpaxos/?embed#t=1&{link}&panel=x");
        assert_eq!(decode_fragment(&url).unwrap(), got, "{what}");
    }
}
