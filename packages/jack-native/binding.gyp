{
  "targets": [
    {
      "target_name": "jackbay",
      "sources": [
        "src/addon.cpp",
        "src/analyser.cpp",
        "src/client.cpp",
        "src/ebur128_lib.cpp",
        "src/engine.cpp",
        "src/engine_rt.cpp",
        "src/event_queue.cpp",
        "src/message_hooks.cpp",
        "src/module_functions.cpp",
        "src/process_clients.cpp",
        "src/uncancellable.cpp",
        "src/weak_jack.cpp"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Werror", "-Wno-cast-function-type"],
      "libraries": ["-ldl"],
      "configurations": {
        "Sanitized": {
          "cflags": [
            "-g",
            "-O1",
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=undefined"
          ],
          "ldflags": ["-fsanitize=address,undefined"]
        }
      }
    }
  ]
}
