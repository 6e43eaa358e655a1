import { Component, type ReactNode } from "react";
import { ErrorBox } from "../../components/ErrorBox";

/**
 * A view that failed to render (or whose code chunk failed to load, e.g. after
 * the hub was upgraded under an open tab) shows an error with a reload button
 * instead of blanking the page.
 */
export class ViewBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return <ErrorBox error={this.state.error} title="This part of the page could not be shown" onRetry={() => window.location.reload()} />;
    }
    return this.props.children;
  }
}
