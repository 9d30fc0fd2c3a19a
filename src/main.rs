fn main() {
    leptos::mount::mount_to_body(ecs_console::App);
}
