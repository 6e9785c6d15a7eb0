"""The real audio stack, end to end: PulseAudio -> ALSA's pulse plugin -> PortAudio ->
sounddevice -> Recorder / Player, inside the real Session with the bundled Whisper model.

The fakes in tests/fakes/sound.py call our callbacks directly; this module is what catches what
they hide (device names, block sizes and rates PortAudio really picks, latency, dropped blocks).
Its own PulseAudio daemon (runtime dir under tmp, stopped by PID) has one null sink, `vmic`: a
spoken answer played into it with paplay is what the app's microphone hears (the sink's monitor
is the default source), and what the app plays comes out of the same sink, recorded with parec.
Skipped, saying why, only where a PulseAudio daemon cannot run.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402

from bench.scoring import filler_scores, section_agreement  # noqa: E402
from tests.fakes.tts import FakeSpeaker  # noqa: E402
from tests.fixtures.synth import synthesize  # noqa: E402
from voicecoach.app.session import Session  # noqa: E402
from voicecoach.app.tasks import TaskRunner  # noqa: E402
from voicecoach.audio.devices import SoundDeviceLayer  # noqa: E402
from voicecoach.audio.player import Player  # noqa: E402
from voicecoach.audio.recorder import Recorder  # noqa: E402
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.settings import AudioSettings, Settings  # noqa: E402
from voicecoach.speech.transcriber import WhisperTranscriber  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.paths import AppPaths  # noqa: E402

pytestmark = pytest.mark.e2e
ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
RATE = 16000
DEVICE = "pulse"  # ALSA's pulse plugin, as PortAudio lists it

# norewinds: without it a stream joining the sink is mixed into audio already rendered, and a
# monitor reader (the microphone, parec) never gets that part: the first 0.15-0.3 s vanish.
PA_SCRIPT = """\
load-module module-native-protocol-unix socket={socket} auth-anonymous=1
load-module module-null-sink sink_name=vmic rate=16000 channels=1 format=s16le norewinds=1
set-default-sink vmic
set-default-source vmic.monitor
"""


class Pulse:
    """Our own PulseAudio daemon; the environment points every client (libpulse, ALSA) at it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "native"
        self.log = root / "pulseaudio.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> str | None:
        """Start it; returns why it could not run (None when it is up)."""
        rt = self.root / "runtime"
        rt.mkdir(parents=True)
        rt.chmod(0o700)
        script = self.root / "default.pa"
        script.write_text(PA_SCRIPT.format(socket=self.socket))
        client_conf = self.root / "client.conf"
        client_conf.write_text("autospawn = no\n")  # never start (or reach) another daemon
        self.env = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(rt),
            "PULSE_STATE_PATH": str(self.root / "state"),
            "PULSE_CLIENTCONFIG": str(client_conf),
            "PULSE_SINK": "vmic",
            "PULSE_SOURCE": "vmic.monitor",
        }
        env = {**os.environ, **self.env, "HOME": str(self.root)}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        cmd = [
            "pulseaudio",
            "-n",  # no default.pa: only our script
            "-F",
            str(script),
            "--daemonize=no",
            "--system=false",  # a per-user daemon even as root (CI)
            "--disallow-exit",
            "--disallow-module-loading",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--log-target=stderr",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"pulseaudio exited ({self.proc.returncode}): {self._log_tail()}"
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return None
            time.sleep(0.1)
        return f"pulseaudio did not answer within 15 s: {self._log_tail()}"

    def pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pactl", *args], env={**os.environ, **self.env}, capture_output=True, timeout=10
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # our own daemon, by its PID
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(line for line in lines[-4:] if line.strip())


@pytest.fixture(scope="module")
def pulse(tmp_path_factory) -> Iterator[Pulse]:
    missing = [t for t in ("pulseaudio", "pactl", "paplay", "parec") if not shutil.which(t)]
    if missing:
        pytest.skip(
            f"PulseAudio cannot run here: {', '.join(missing)} not installed "
            "(apt-get install pulseaudio pulseaudio-utils)"
        )
    daemon = Pulse(tmp_path_factory.mktemp("pulse"))
    why = daemon.start()
    if why is not None:
        daemon.stop()
        pytest.skip(f"PulseAudio cannot run here: {why}")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in daemon.env.items():
            mp.setenv(k, v)  # read by libpulse when ALSA's pulse plugin opens a stream
        rescan_portaudio()
        yield daemon
    daemon.stop()
    rescan_portaudio()  # later tests see this machine's devices, not our dead daemon's


def rescan_portaudio() -> None:
    """PortAudio lists devices once, when it is initialised (at `import sounddevice`): if an
    earlier test imported it, list them again (sounddevice's documented way to re-scan)."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@pytest.fixture(scope="module")
def answer():
    return synthesize(ANSWERS / "short-06.toml")


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    s = Settings()
    t = WhisperTranscriber(s.transcriber, min_voiced_gap_s=s.analysis.min_voiced_gap_s)
    t.load()
    return t


def best_lag(long: np.ndarray, short: np.ndarray) -> tuple[int, float]:
    """Where `short` sits inside `long` and the normalised correlation there (FFT-based)."""
    a, b = np.asarray(long, np.float64), np.asarray(short, np.float64)
    n = 1 << int(np.ceil(np.log2(len(a) + len(b))))
    xc = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)[: len(a) - len(b) + 1]
    energy = np.concatenate([[0.0], np.cumsum(a**2)])
    local = np.sqrt(np.maximum(energy[len(b) :] - energy[: -len(b)], 0.0))
    lag = int(np.argmax(xc / (local * np.linalg.norm(b) + 1e-9)))
    return lag, ncc(a[lag : lag + len(b)], b)


def pieces_found(heard: np.ndarray, span: np.ndarray) -> list[tuple[int, int, float]]:
    """(offset in span, shift into heard, match) for each 0.1 s of `span` that is not silent."""
    out = []
    n = RATE // 10
    starts = list(range(0, len(span) - n + 1, n))
    if starts and starts[-1] + n < len(span):
        starts.append(len(span) - n)  # the last piece ends where the span ends
    for i in starts:
        piece = span[i : i + n]
        if np.sqrt(np.mean(piece**2)) > 0.005:
            lag, c = best_lag(heard, piece)
            out.append((i, lag - i, c))
    return out


def ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def shifted(items, dt: float):
    return [dataclasses.replace(x, start_s=x.start_s + dt, end_s=x.end_s + dt) for x in items]


def wait_for(qtbot, cond, timeout_s: float) -> None:
    """Wait while Qt's event loop runs (timers, results delivered to the GUI thread)."""
    qtbot.waitUntil(cond, timeout=int(timeout_s * 1000))


def test_pulse_device_is_what_portaudio_sees(pulse):
    """PortAudio reaches PulseAudio through ALSA's pulse plugin, under the name we pick."""
    layer = SoundDeviceLayer()
    names = [d.name for d in layer.list_input_devices()]
    assert any(n.startswith(DEVICE) for n in names), (
        f"no '{DEVICE}' input device in {names}: ALSA's pulse plugin (libasound2-plugins) "
        "is missing or PortAudio was initialised without it"
    )
    assert any(d.name.startswith(DEVICE) for d in layer.list_output_devices())


def test_spoken_answer_through_the_real_microphone_and_back(
    pulse, answer, transcriber, qtbot, qapp, tmp_path
):
    """A real practice round over real PortAudio streams: the take is what was said, unbroken,
    its review has the script's sections and fillers, and playback puts the take back out."""
    played, rate = sf.read(str(answer.wav_path), dtype="float32")
    assert rate == RATE

    settings = Settings()
    settings = dataclasses.replace(
        settings, audio=AudioSettings(input_device=DEVICE, sample_rate_hz=RATE, channels=1)
    )
    paths = AppPaths.at(tmp_path / "data").ensure()
    layer = SoundDeviceLayer()
    recorders: list[Recorder] = []

    def recorder_factory(*args, **kwargs) -> Recorder:
        rec = Recorder(*args, **kwargs)
        recorders.append(rec)
        return rec

    session = Session(
        settings,
        paths,
        History(paths.db_path),
        layer,
        FakeSpeaker(),  # reading the question aloud would go into the same sink as the mic
        transcriber,
        TaskRunner(),
        load_packs(),
        recorder_factory=recorder_factory,
        player=Player(layer, device=DEVICE),
    )
    try:
        q = session.packs.questions()[0]
        session.choose_question(q.id, speak=False)

        # --- record: paplay speaks into the sink the microphone listens to ------------------
        session.start_recording()
        assert session.state == "recording", "recording did not start on the pulse device"
        wait_for(qtbot, lambda: session.elapsed_s() >= 0.5, 10)
        paplay = subprocess.Popen(["paplay", "--device=vmic", str(answer.wav_path)])
        try:
            wait_for(qtbot, lambda: paplay.poll() is not None, answer.truth.duration_s + 20)
        finally:
            if paplay.poll() is None:
                paplay.terminate()
                paplay.wait(5)
        assert paplay.returncode == 0
        done_s = session.elapsed_s()  # what paplay wrote last is still in PulseAudio's buffers
        wait_for(qtbot, lambda: session.elapsed_s() >= done_s + 0.7, 5)
        with qtbot.waitSignal(session.reviewReady, timeout=60000):
            session.stop_recording()
        rec = recorders[0]
        result = rec.stop()  # already stopped: the same result

        # --- the take is what was played: whole, in order, nothing dropped -----------------
        assert not result.interrupted and result.overflows == 0
        assert (result.rate_hz, result.channels) == (RATE, 1)
        take, take_rate = sf.read(str(result.path), dtype="float32")
        assert take_rate == RATE and len(take) == result.frames
        assert result.frames == round(rec.elapsed_s * RATE)  # every captured block was written
        lag, peak = best_lag(take, played)
        assert peak > 0.99, f"take correlates with what was played at only {peak:.3f}"
        lead_s = lag / RATE
        assert 0.3 < lead_s < 3.0  # recording started before paplay; PulseAudio latency is small
        assert len(take) - lag - len(played) >= 0  # nothing cut at the end
        # A dropped or repeated block would shift everything after it: check second by second.
        for i in range(0, len(played) - RATE, RATE):
            seg = played[i : i + RATE]
            if np.sqrt(np.mean(seg**2)) > 0.01:
                c = ncc(take[lag + i : lag + i + RATE], seg)
                assert c > 0.95, f"second {i // RATE}: correlation {c:.3f} (blocks lost?)"

        # --- the review matches the script (truth shifted by the lead-in silence) -----------
        report = session.report()
        truth = answer.truth
        assert [s.name for s in report.sections] == [s.name for s in truth.sections]
        agree = section_agreement(report.sections, shifted(truth.sections, lead_s))
        assert agree >= 0.85, f"section agreement {agree:.2f}"
        recall, precision, _ = filler_scores(report.fillers, shifted(truth.fillers, lead_s))
        assert recall >= 0.8 and precision >= 0.8, (recall, precision)

        # --- playback: the Task section through the real Player into the sink -----------
        section = next(s for s in report.sections if s.name == "task")
        cap_path = tmp_path / "played.raw"
        with open(cap_path, "wb") as cap:
            parec = subprocess.Popen(
                [
                    "parec",
                    "--device=vmic.monitor",
                    "--format=s16le",
                    "--rate=16000",
                    "--channels=1",
                    "--raw",
                ],
                stdout=cap,
            )
        try:
            wait_for(qtbot, lambda: cap_path.stat().st_size > RATE, 10)  # parec is running
            session.play_section("task")
            wait_for(qtbot, lambda: session.player.playing, 5)
            wait_for(
                qtbot, lambda: not session.player.playing, section.end_s - section.start_s + 10
            )
            wait_for(qtbot, lambda: cap_path.stat().st_size > 0, 1)
            time.sleep(0.5)  # the last blocks leave PulseAudio's buffers
        finally:
            parec.terminate()  # our own recorder, by PID
            parec.wait(5)
        heard = np.frombuffer(cap_path.read_bytes()[: cap_path.stat().st_size // 2 * 2], "<i2")
        heard = heard.astype(np.float32) / 32768
        span = take[int(round(section.start_s * RATE)) : int(round(section.end_s * RATE))]
        assert len(heard) > len(span)
        # Piece by piece, so a scheduler stall on a loaded machine (the device plays silence
        # until the callback catches up) is told apart from audio lost, cut or out of order.
        # (The last 0.1 s of every span was once lost below PortAudio: player.TAIL_S.)
        found = pieces_found(heard, span)
        shifts = [shift for _, shift, _ in found]
        assert shifts == sorted(shifts), (
            f"pieces missing or out of order (shift per piece): {shifts}"
        )
        stalls_s = (shifts[-1] - shifts[0]) / RATE
        assert stalls_s <= 0.5, f"{stalls_s:.2f} s of silence inserted into the section"
        for k, (i, shift, c) in enumerate(found):
            near = {shifts[j] for j in (k - 1, k + 1) if 0 <= j < len(found)}
            at_stall = bool(near - {shift})  # a piece the stall cut in two matches only partly
            assert c > (0.5 if at_stall else 0.99), f"{i / RATE:.1f} s into the section: {c:.3f}"
        # The end is checked where it has sound: pieces_found lists every loud 0.1 s of the
        # span, the last one ending where the span ends, and each was matched above. In a section
        # ending in a pause the last loud piece comes before the end, and that piece being heard
        # is the end being heard. (The same loudness test as the pieces': an end judged loud by
        # a different window once failed on a quiet last piece after a loud last 0.04 s.)
        n = RATE // 10
        if np.sqrt(np.mean(span[-n:] ** 2)) > 0.005:
            assert found[-1][0] + n == len(span), "the section's end was not heard"
    finally:
        session.shutdown()
        session.history.close()
