"""Log every deprecation warning that Python shows, for tools/canary.py.

tools/canary.py puts this folder on PYTHONPATH, so every Python process it starts (samples,
notebook kernels) imports this file at start-up. It appends one JSON line per warning shown to
the file named by CANARY_WARNINGS_LOG; a process that has no label to file it under logs
nothing. Shown means printed or handed to a replaced ``warnings.showwarning`` (logging): the
default filters decide, as in a normal run, and warnings that code records to silence them are
left out.
"""

import json
import os
import sys
import warnings

_LOG = os.environ.get("CANARY_WARNINGS_LOG")
_KINDS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def _where() -> tuple[str, str] | None:
    """(where, process): a notebook (CANARY_LABEL, inherited by its kernel) or the sample that
    run_sample.py runs. Its original command line, since runpy swaps sys.argv[0] for the sample."""
    argv = getattr(sys, "orig_argv", [])
    for i, arg in enumerate(argv[:-1]):
        if os.path.basename(arg) == "run_sample.py":
            return argv[i + 1], "run_sample.py"
    if os.environ.get("CANARY_LABEL"):
        process = os.path.basename(sys.argv[0]) if getattr(sys, "argv", None) else ""
        return os.environ["CANARY_LABEL"], process
    return None


def _install() -> None:
    show = warnings._showwarnmsg
    printing = warnings._showwarnmsg_impl

    def _showwarnmsg(msg):
        try:
            # catch_warnings(record=True) swaps the printer for a list: nothing is shown then.
            shown = (warnings.showwarning is not warnings._showwarning_orig
                     or warnings._showwarnmsg_impl is printing)
            found = _where()
            if shown and found and issubclass(msg.category, _KINDS):
                record = {
                    "where": found[0],
                    "process": found[1],
                    "category": msg.category.__name__,
                    "message": str(msg.message),
                    "filename": str(msg.filename),
                    "lineno": msg.lineno,
                }
                with open(_LOG, "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")
        except Exception:  # never let the canary's bookkeeping change what the code does
            pass
        show(msg)

    warnings._showwarnmsg = _showwarnmsg


if _LOG:
    _install()
