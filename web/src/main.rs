fn main() {
    fpaxos_web::start();
}
