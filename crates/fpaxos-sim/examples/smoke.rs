fn main() {
    let text = std::env::args().nth(1).unwrap_or_else(|| "{}".into());
    let s = fpaxos_sim::Scenario::from_json(&text).unwrap();
    let r = fpaxos_sim::run(&s).unwrap();
    let mut v = serde_json::to_value(&r).unwrap();
    v.as_object_mut().unwrap().remove("timeline");
    v.as_object_mut().unwrap().remove("latency_cdf");
    v.as_object_mut().unwrap().remove("scenario");
    println!("{}", serde_json::to_string_pretty(&v).unwrap());
}
