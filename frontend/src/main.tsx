import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Api } from "./api/client";
import { browserChannel } from "./api/channel";
import { Session } from "./api/session";
import { AppProvider } from "./app-context";
import { App } from "./App";
import "./styles.css";

const api = new Api(new Session({ channel: browserChannel() }));

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AppProvider api={api}>
      <App />
    </AppProvider>
  </StrictMode>,
);
