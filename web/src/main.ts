import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { startDashboard } from './app';
import { showSignIn } from './pages/signIn';
import { storedKey } from './session';

const mount = document.getElementById('app')!;

function signIn(reason?: string, remembered?: string | null): void {
  showSignIn(mount, {
    reason,
    remembered,
    onSignedIn: (key, viewer) => startDashboard(mount, key, viewer, (why) => signIn(why)),
  });
}

signIn(undefined, storedKey());
