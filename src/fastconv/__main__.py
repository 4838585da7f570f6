"""Command line: ``python -m fastconv info`` and ``python -m fastconv bench``.

    python -m fastconv info [--json]        the build and run-time report (show_config)
    python -m fastconv bench [--quick] [--plot FILE] [--json FILE] [...]
                                            the benchmark suite against the installed
                                            peers (scipy required; --help for the options)
"""
import argparse
import json
import sys


def info(argv):
    ap = argparse.ArgumentParser(prog="python -m fastconv info",
                                 description="fastconv's build and run-time configuration")
    ap.add_argument("--json", action="store_true", help="print it as JSON")
    opts = ap.parse_args(argv)
    import fastconv
    from fastconv._config import config
    if opts.json:
        print(json.dumps(config(), indent=1))
    else:
        fastconv.show_config()
    return 0


def bench(argv):
    try:
        from fastconv._bench import main
    except ImportError as exc:
        print(f"python -m fastconv bench needs scipy ({exc}); "
              "install it with: pip install 'fastconv[bench]'", file=sys.stderr)
        return 2
    return main(argv, prog="python -m fastconv bench")


COMMANDS = {"info": info, "bench": bench}


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="python -m fastconv", description=__doc__.split("\n")[0],
        epilog="python -m fastconv COMMAND --help describes a command's options")
    ap.add_argument("command", choices=sorted(COMMANDS))
    ap.add_argument("args", nargs=argparse.REMAINDER, help="the command's options")
    opts = ap.parse_args(argv)
    return COMMANDS[opts.command](opts.args)


if __name__ == "__main__":
    sys.exit(main())
