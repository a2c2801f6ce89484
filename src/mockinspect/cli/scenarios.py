"""``mockinspect scenario list``."""

from __future__ import annotations

import argparse

from mockinspect.cli import wants_json
from mockinspect.cli.banks import _help, print_warnings, service
from mockinspect.cli.output import print_json, print_table
from mockinspect.domain.scenario import PERSONA_TITLES
from mockinspect.i18n import tr


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    scenario = sub.add_parser("scenario", parents=[common], help=tr("scripted mock inspections"))
    scenario_sub = scenario.add_subparsers(dest="scenario_command", metavar="COMMAND")
    scenario.set_defaults(handler=lambda args: _help(scenario))
    listing = scenario_sub.add_parser(
        "list", parents=[common], help=tr("scenarios found: bundled, user folder, --bank-dir")
    )
    listing.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    catalogue = service(args).catalogue()
    rows = []
    for ident in sorted(catalogue.scenarios):
        scenario = catalogue.scenarios[ident]
        script = catalogue.script(scenario)
        rows.append(
            {
                "id": scenario.id,
                "version": scenario.version,
                "title": scenario.title,
                "persona": scenario.persona.value,
                "persona_title": PERSONA_TITLES[scenario.persona],
                "days": max(s.day for s in scenario.agenda),
                "areas": scenario.areas,
                "questions": len(script),
                "minutes": sum(s.minutes for s in scenario.agenda),
            }
        )
    if wants_json(args):
        print_json(rows)
    else:
        print_table(
            [tr("ID"), tr("VERSION"), tr("PERSONA"), tr("DAYS"), tr("QUESTIONS"), tr("TITLE")],
            [(r["id"], r["version"], r["persona"], r["days"], r["questions"], r["title"]) for r in rows],
        )
    print_warnings(catalogue.registry.warnings)
    return 0
