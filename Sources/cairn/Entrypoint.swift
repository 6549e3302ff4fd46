import Commands

@main
struct Entrypoint {
    static func main() {
        CommandRunner.main()
    }
}
